/**
 * "Is the production build current?" (the demo and `npm run screenshots`): a SHA-256 of every source file the
 * build reads, stored next to the build. They build on the first run and again only when that hash changed.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const ROOTS = [
  "app",
  "components",
  "lib",
  "public",
  "instrumentation.ts",
  "next.config.mjs",
  "postcss.config.mjs",
  "tsconfig.json",
  "package-lock.json",
];
const SKIP = /(^|\/)(node_modules|\.next[^/]*|\.data)(\/|$)|\.test\.ts$/;

function files(root: string): string[] {
  if (!existsSync(root)) return [];
  if (statSync(root).isFile()) return [root];
  return readdirSync(root, { recursive: true, encoding: "utf8" })
    .map((f) => path.join(root, f))
    .filter((f) => !SKIP.test(f) && statSync(f).isFile());
}

export function sourceHash(cwd = process.cwd()): string {
  const hash = createHash("sha256");
  const all = ROOTS.flatMap((r) => files(path.join(cwd, r))).sort();
  for (const f of all) {
    hash.update(path.relative(cwd, f)).update("\0").update(readFileSync(f)).update("\0");
  }
  return hash.digest("hex");
}

const stampOf = (distDir: string) => path.join(distDir, "demo-source.sha256");

/** True when distDir holds a finished build of exactly these sources. */
export function buildIsCurrent(distDir: string, hash: string): boolean {
  const stamp = stampOf(distDir);
  return existsSync(path.join(distDir, "BUILD_ID")) && existsSync(stamp) && readFileSync(stamp, "utf8").trim() === hash;
}

export function markBuilt(distDir: string, hash: string): void {
  writeFileSync(stampOf(distDir), `${hash}\n`);
}

/** The build folder next.config.mjs uses (NEXT_DIST_DIR or .next). */
export function distDirOf(env: NodeJS.ProcessEnv): string {
  return path.resolve(env.NEXT_DIST_DIR || ".next");
}
