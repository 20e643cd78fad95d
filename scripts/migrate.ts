/**
 * npm run db:migrate — applies pending SQL migrations as the database owner (DATABASE_OWNER_URL).
 * Optionally provisions the app's login role (APP_DB_ROLE + APP_DB_PASSWORD) as a member of social_app.
 */
import { migrate, MigrationError } from "../lib/db/migrate";
import { ensureAppLoginRole } from "../lib/db/provision";

const ownerUrl = process.env.DATABASE_OWNER_URL;
if (!ownerUrl) {
  console.error(
    "DATABASE_OWNER_URL is not set: set it to the URL of the role that owns the schema (migrations run as the owner; the app uses DATABASE_URL).",
  );
  process.exit(1);
}

try {
  const result = await migrate(ownerUrl, { log: (l) => console.log(l) });
  console.log(result.applied.length ? `Applied ${result.applied.length} migration(s).` : "Database is up to date; nothing to apply.");
  const role = process.env.APP_DB_ROLE;
  const password = process.env.APP_DB_PASSWORD;
  if (role && password) {
    await ensureAppLoginRole(ownerUrl, role, password);
    console.log(`App role ${role} is a member of social_app.`);
  }
} catch (err) {
  console.error(err instanceof MigrationError ? err.message : `Migration failed: ${(err as Error).message}`);
  process.exit(1);
}
