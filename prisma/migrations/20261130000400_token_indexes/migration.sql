-- ad_tokens carried three indexes on next_check_at that nothing reads any more: the health sweep claims due tokens
-- from token_check_schedule (migration 20261129120000), and the per-workspace claim that walked
-- ad_tokens_due_by_tenant is gone. Every token insert (1,001 in a connect of 1,000 Pages) and every check wrote all
-- three, and the planner weighed them for every statement on ad_tokens. One index replaces them for what they still
-- served by accident, reading a workspace's live tokens (RLS's tenant_id condition), without next_check_at in it.
DROP INDEX "ad_tokens_tenant_id_next_check_at_idx";
DROP INDEX "ad_tokens_due_for_check";
DROP INDEX "ad_tokens_due_by_tenant";
CREATE INDEX "ad_tokens_live_by_tenant" ON "ad_tokens" ("tenant_id", "id") WHERE "deleted_at" IS NULL;
