import type pg from "pg";

/**
 * Finds Facebook tokens (as the emulator issued them) in text: as-is, percent-encoded, and inside hex (PostgreSQL
 * bytea output) or base64/base64url runs (cookies, JSON Web Tokens that are only signed), decoded.
 */

const TOKEN_SHAPE = /^EAA[A-Za-z0-9]{60}$/;
const HEX_RUN = /(?:\\x)?((?:[0-9a-fA-F]{2}){40,})/g;
const B64_RUN = /[A-Za-z0-9+/_-]{84,}={0,2}/g;

export class TokenScanner {
  private readonly shaped = new Set<string>();
  private readonly other: string[] = [];

  constructor(tokens: Iterable<string>) {
    for (const t of tokens) {
      if (TOKEN_SHAPE.test(t)) this.shaped.add(t);
      else if (t.length >= 8) this.other.push(t);
    }
  }

  get size(): number {
    return this.shaped.size + this.other.length;
  }

  /** The tokens found in the text (each once). */
  scan(text: string): string[] {
    const found = new Set<string>();
    for (const variant of variants(text)) this.scanPlain(variant, found);
    return [...found];
  }

  private scanPlain(text: string, found: Set<string>): void {
    for (let i = text.indexOf("EAA"); i !== -1; i = text.indexOf("EAA", i + 1)) {
      const candidate = text.slice(i, i + 63);
      if (this.shaped.has(candidate)) found.add(candidate);
    }
    for (const t of this.other) if (text.includes(t)) found.add(t);
  }
}

function* variants(text: string): Generator<string> {
  yield text;
  if (text.includes("%")) {
    try {
      yield decodeURIComponent(text.replace(/\+/g, " "));
    } catch {
      // not valid percent-encoding as a whole: the plain scan covers it
    }
  }
  for (const m of text.matchAll(HEX_RUN)) {
    const hex = m[1];
    if (hex) yield Buffer.from(hex, "hex").toString("latin1");
  }
  for (const m of text.matchAll(B64_RUN)) {
    const run = m[0];
    yield Buffer.from(run.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("latin1");
    // The run may begin a few characters before the real base64 value (letters glued to it): decode from each
    // possible 4-character alignment.
    for (const shift of [1, 2, 3]) yield Buffer.from(run.slice(shift).replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("latin1");
  }
}

/** Every table in the public schema, each row rendered as PostgreSQL's text form of the whole row. */
export async function dumpPublicTables(sql: pg.Pool): Promise<Map<string, string>> {
  const { rows: tables } = await sql.query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  );
  const out = new Map<string, string>();
  for (const { tablename } of tables) {
    const { rows } = await sql.query<{ row: string }>(`SELECT t::text AS row FROM public."${tablename.replaceAll('"', '""')}" t`);
    out.set(tablename, rows.map((r) => r.row).join("\n"));
  }
  return out;
}
