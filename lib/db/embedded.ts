import "server-only";
import { mkdir } from "node:fs/promises";

/**
 * Embedded PostgreSQL for the zero-setup demo: PGlite (real Postgres compiled to WASM) persisted in a folder,
 * served over the wire protocol by pglite-socket so the app connects with the same driver as in production.
 * PGlite is one connection: the app must use a pool of one against it.
 */
export interface EmbeddedPostgres {
  /** Owner (superuser) URL, for migrations. */
  ownerUrl: string;
  port: number;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(opts: { dataDir: string; port: number; host?: string }): Promise<EmbeddedPostgres> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  // Migration 20261129190000 creates these two contrib extensions; the Page name index (20261201000100) uses btree_gin.
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  const { btree_gin } = await import("@electric-sql/pglite/contrib/btree_gin");
  await mkdir(opts.dataDir, { recursive: true });
  const pglite = await PGlite.create(opts.dataDir, { extensions: { pg_trgm, btree_gin } });
  const host = opts.host ?? "127.0.0.1";
  const server = new PGLiteSocketServer({ db: pglite, port: opts.port, host });
  await server.start();
  return {
    ownerUrl: `postgresql://postgres:postgres@${host}:${opts.port}/postgres`,
    port: opts.port,
    async stop() {
      await server.stop();
      await pglite.close();
    },
  };
}
