import "server-only";
import pg from "pg";

/**
 * Creates (or updates) a LOGIN role for the app and makes it a member of social_app, the group role the
 * migrations grant privileges to. Run with the owner's connection. The demo and the tests use it; on a
 * hosted database run the equivalent SQL once (README.md#database-roles).
 */
export async function ensureAppLoginRole(ownerUrl: string, role: string, password: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(role)) throw new Error(`Invalid role name: ${role}`);
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const quotedPw = client.escapeLiteral(password);
    const exists = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]);
    if (exists.rowCount) {
      await client.query(`ALTER ROLE ${role} LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD ${quotedPw}`);
    } else {
      await client.query(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD ${quotedPw}`);
    }
    await client.query(`GRANT social_app TO ${role}`);
  } finally {
    await client.end();
  }
}

/** Replaces user:password in a URL, keeping host, port, database and parameters. */
export function withCredentials(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(password);
  return u.toString();
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
