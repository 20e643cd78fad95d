-- The app refuses to start on a database whose migrations are behind the code it runs (lib/db/database-ready.ts):
-- it may read which migrations finished, and nothing else of Prisma's bookkeeping (no checksums, no logs).
GRANT SELECT ("migration_name", "finished_at", "rolled_back_at") ON "_prisma_migrations" TO social_app;
