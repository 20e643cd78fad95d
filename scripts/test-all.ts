/**
 * npm test — every check, in order: typecheck, lint, unit/integration (Vitest, real PostgreSQL), production build,
 * end-to-end (Playwright, system Chromium, Facebook emulator). Ends with one line: "N passed, N failed".
 * Set TEST_DATABASE_URL to use another PostgreSQL server (default: postgresql://postgres@127.0.0.1:5432/postgres).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

const bin = (name: string) => path.join("node_modules", ".bin", name);
const REPORTS = path.join(".data", "reports");
mkdirSync(REPORTS, { recursive: true });

let passed = 0;
let failed = 0;
const summary: string[] = [];

function run(label: string, cmd: string, args: string[], env: Record<string, string> = {}): boolean {
  console.log(`\n━━ ${label} ━━ ${cmd} ${args.join(" ")}`);
  const res = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...env } });
  return res.status === 0;
}

function check(label: string, ok: boolean) {
  if (ok) passed++;
  else failed++;
  summary.push(`${ok ? "✓" : "✗"} ${label}`);
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return null;
  }
}

check("typecheck (tsc --noEmit)", run("typecheck", bin("tsc"), ["--noEmit", "-p", "."]));
check("lint (eslint, no warnings)", run("lint", bin("eslint"), ["--max-warnings=0", "."]));
check("format (prettier --check)", run("format", bin("prettier"), ["--check", "--log-level=warn", "."]));

// Vitest: unit + integration against real PostgreSQL and the emulator over HTTP.
const vitestReport = path.join(REPORTS, "vitest.json");
rmSync(vitestReport, { force: true });
const vitestOk = run("unit + integration (vitest)", bin("vitest"), [
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${vitestReport}`,
]);
const v = readJson<{ numPassedTests: number; numFailedTests: number; numTotalTests: number }>(vitestReport);
if (v) {
  passed += v.numPassedTests;
  failed += v.numFailedTests + (vitestOk || v.numFailedTests > 0 ? 0 : 1);
  summary.push(`${v.numFailedTests || !vitestOk ? "✗" : "✓"} vitest: ${v.numPassedTests} passed, ${v.numFailedTests} failed`);
} else {
  check("vitest (no report)", false);
}

// Production build, then Playwright against it.
const buildOk = run("production build", bin("next"), ["build"], { NEXT_TELEMETRY_DISABLED: "1" });
check("next build", buildOk);
if (buildOk) {
  const pwReport = path.join(REPORTS, "playwright.json");
  rmSync(pwReport, { force: true });
  const pwOk = run("end-to-end (playwright)", bin("playwright"), ["test"], { PLAYWRIGHT_JSON_OUTPUT_NAME: pwReport });
  const p = readJson<{ stats: { expected: number; unexpected: number; flaky: number; skipped: number } }>(pwReport);
  if (p) {
    passed += p.stats.expected + p.stats.flaky;
    failed += p.stats.unexpected + (pwOk || p.stats.unexpected > 0 ? 0 : 1);
    summary.push(
      `${p.stats.unexpected || !pwOk ? "✗" : "✓"} playwright: ${p.stats.expected + p.stats.flaky} passed, ${p.stats.unexpected} failed`,
    );
  } else {
    check("playwright (no report)", false);
  }
} else if (existsSync("e2e")) {
  summary.push("✗ playwright: not run (build failed)");
  failed++;
}

console.log(`\n━━ summary ━━\n${summary.join("\n")}\n`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
