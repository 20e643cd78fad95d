-- Three of ad_tokens' six foreign keys said again what the same-tenant ones already enforce, and each costs a lookup
-- per inserted token (3,003 of them in a reconnect of 1,000 Pages):
--   social_identity_id → social_identities(id)   is implied by (tenant_id, social_identity_id) → social_identities(tenant_id, id);
--   facebook_page_id → facebook_pages(id)        is implied by (tenant_id, facebook_page_id) → facebook_pages(tenant_id, id)
--                                                (both MATCH SIMPLE: a user token's NULL Page is checked by neither);
--   tenant_id → tenants(id)                      is implied by the first (social_identities.tenant_id → tenants(id)).
-- The same-tenant keys stay (they are also the Prisma relations now), and so does user_id → users(id). Rows are never
-- deleted (the app role has no DELETE), so the dropped keys' ON DELETE RESTRICT / ON UPDATE CASCADE had nothing to do.
ALTER TABLE "ad_tokens" DROP CONSTRAINT "ad_tokens_social_identity_id_fkey";
ALTER TABLE "ad_tokens" DROP CONSTRAINT "ad_tokens_facebook_page_id_fkey";
ALTER TABLE "ad_tokens" DROP CONSTRAINT "ad_tokens_tenant_id_fkey";
