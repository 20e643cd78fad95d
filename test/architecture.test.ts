import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * The rooms' rules, checked on every file git knows: dependencies point down (app → components → lib), runtime code
 * never imports test helpers or the emulators, only lib/env.ts reads the environment, and every lib module that
 * touches the database, env or secrets is server-only.
 */

const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts", "*.tsx"], { encoding: "utf8" })
  .split("\n")
  .filter((f) => f && !f.startsWith("lib/db/generated/"));
const runtime = files.filter((f) => /^(app|components|lib)\//.test(f) && !/\.test\.tsx?$/.test(f));
const source = (f: string) => readFileSync(f, "utf8");
const imports = (f: string) => [...source(f).matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["']([^"']+)["']/g)].map((m) => m[1]!);

function offenders(list: string[], bad: (spec: string, file: string) => boolean): string[] {
  return list.flatMap((f) =>
    imports(f)
      .filter((spec) => bad(spec, f))
      .map((spec) => `${f} → ${spec}`),
  );
}

describe("architecture", () => {
  it("components and lib never import from app/", () => {
    expect(
      offenders(
        runtime.filter((f) => !f.startsWith("app/")),
        (s) => s.startsWith("@/app/") || (/(^|\/)app\//.test(s) && s.startsWith(".")),
      ),
    ).toEqual([]);
  });

  it("runtime code never imports test helpers or the emulators", () => {
    expect(
      offenders(runtime, (s) => /(^|\/)(test\/support|emulators)\//.test(s) || s.startsWith("@/test/") || s.startsWith("@/emulators/")),
    ).toEqual([]);
  });

  it("app/ does not import the Prisma client (data access lives in lib/)", () => {
    expect(
      offenders(
        runtime.filter((f) => f.startsWith("app/")),
        (s) => /generated\/prisma|@prisma\/client|lib\/db\/(client|generated)/.test(s),
      ),
    ).toEqual([]);
  });

  it("only lib/env.ts (and the logger's LOG_LEVEL) read process.env in runtime code", () => {
    const readers = runtime.filter((f) => /process\.env/.test(source(f)));
    expect(readers.sort()).toEqual(["lib/env.ts", "lib/log/logger.ts"]);
  });

  it("every lib module that uses the database, env, crypto or the logger is server-only", () => {
    const needs = runtime.filter(
      (f) =>
        f.startsWith("lib/") &&
        !source(f).startsWith('"use server"') &&
        imports(f).some(
          (s) =>
            /(^|\/)(env|db\/client|db\/tenant-transaction|log\/logger|tokens\/encryption|tokens\/key-ring)$/.test(s) || s === "node:crypto",
        ),
    );
    expect(needs.filter((f) => !/^import "server-only";/m.test(source(f)))).toEqual([]);
  });
});
