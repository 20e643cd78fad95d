import pg from "pg";

/**
 * Takes a throw-away database down and brings it back, for outage tests (integration and e2e; no "server-only"
 * here so Playwright specs can use it): false refuses every new connection (ALLOW_CONNECTIONS false) and ends the
 * open ones; true accepts connections again.
 */
export async function setDatabaseAvailable(adminUrl: string, name: string, available: boolean): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS ${available ? "true" : "false"}`);
    if (!available)
      await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
  } finally {
    await c.end();
  }
}
