/**
 * Saving and loading the emulator's state (people, Pages, issued tokens, unused codes, clock) as one JSON file, so
 * the demo's stored tokens still check as valid after a restart. Writes are atomic: a temporary file in the same
 * folder, then a rename, so a crash mid-write leaves the previous file intact. Tests keep the default: in memory.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { EmulatorState } from "./state.js";
import type { CodeRecord, PersonRecord, TokenRecord } from "./types.js";

const VERSION = 1;

type SavedToken = Omit<TokenRecord, "pageTokens" | "revokedSubcode" | "pageId"> & {
  pageId: string | null;
  revokedSubcode: number | null;
  pageTokens: [string, string][];
};

interface Snapshot {
  version: number;
  savedAtMs: number;
  clockOffsetMs: number;
  people: (Omit<PersonRecord, "email"> & { email: string | null })[];
  tokens: SavedToken[];
  issued: string[];
  codes: CodeRecord[];
}

export function snapshotOf(state: EmulatorState): Snapshot {
  return {
    version: VERSION,
    savedAtMs: Date.now(),
    clockOffsetMs: state.clockOffsetMs,
    people: [...state.people.values()].map((p) => ({ ...p, email: p.email ?? null })),
    tokens: [...state.tokens.values()].map((t) => ({
      ...t,
      pageId: t.pageId ?? null,
      revokedSubcode: t.revokedSubcode ?? null,
      pageTokens: [...t.pageTokens],
    })),
    issued: [...state.issued],
    codes: [...state.codes.values()].filter((c) => !c.used && c.expiresAtMs > state.nowMs()),
  };
}

/** Replaces the state's people, tokens, codes and clock with the snapshot's. */
export function restoreSnapshot(state: EmulatorState, snap: Snapshot): void {
  if (snap.version !== VERSION) throw new Error(`emulator state file has version ${snap.version}, expected ${VERSION}`);
  state.clockOffsetMs = snap.clockOffsetMs;
  state.people = new Map(snap.people.map((p) => [p.id, { ...p, email: p.email ?? undefined }]));
  state.tokens = new Map(
    snap.tokens.map((t) => [
      t.token,
      { ...t, pageId: t.pageId ?? undefined, revokedSubcode: t.revokedSubcode ?? undefined, pageTokens: new Map(t.pageTokens) },
    ]),
  );
  state.issued = [...snap.issued];
  state.codes = new Map(snap.codes.map((c) => [c.code, c]));
}

/** Atomic write: temp file + rename (owner-only: the file holds the emulator's tokens). */
export function saveState(state: EmulatorState, file: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(snapshotOf(state)), { mode: 0o600 });
  renameSync(tmp, file);
}

/** Loads the file into the state when it exists; returns whether it did. A corrupt file is an error naming it. */
export function loadState(state: EmulatorState, file: string): boolean {
  if (!existsSync(file)) return false;
  let snap: Snapshot;
  try {
    snap = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  } catch (err) {
    throw new Error(`Cannot read the emulator state ${file} (${(err as Error).message}); delete it to start from the seed people.`);
  }
  restoreSnapshot(state, snap);
  return true;
}
