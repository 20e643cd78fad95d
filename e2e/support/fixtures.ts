import { test as base, expect, type Page } from "@playwright/test";
import { randomBytes, randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { EmulatorControl } from "../../emulators/facebook/client";
import { E2E } from "./ports";

/** What e2e/support/stack.ts started: the owner URL (to inspect rows behind the app), the emulator URL. */
export interface Stack {
  ownerUrl: string;
  /** The app role's URL (for running the app's CLIs, e.g. npm run tiktok:refresh, against the e2e database). */
  appDbUrl: string;
  emulatorUrl: string;
  tiktokUrl: string;
  keys: string;
  appUrl: string;
  /** The mail capture's inbox (HTTP). */
  mailUrl: string;
}

export function readStack(): Stack {
  return JSON.parse(readFileSync(E2E.stackFile, "utf8")) as Stack;
}

interface Fixtures {
  stack: Stack;
  fb: EmulatorControl;
  /** Owner connection to the e2e database (bypasses RLS: superuser in tests). */
  sql: pg.Pool;
}

export const test = base.extend<Fixtures>({
  stack: async ({}, provide) => provide(readStack()),
  fb: async ({ stack }, provide) => provide(new EmulatorControl(stack.emulatorUrl)),
  sql: async ({ stack }, provide) => {
    const pool = new pg.Pool({ connectionString: stack.ownerUrl, max: 2 });
    await provide(pool);
    await pool.end();
  },
});

export { expect };

let counter = 0;
/** A fresh Facebook test person, so parallel tests never share an identity. */
export async function newPerson(
  fb: EmulatorControl,
  opts: { name?: string; pages?: number | { id: string; name: string; category?: string; tasks?: string[] }[] } = {},
) {
  // Unique across workers and runs: time + worker process + counter + randomness (two workers can start a test in
  // the same millisecond with the same counter; names, emails and Page ids must still differ).
  const tag = `${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(3).toString("hex")}`;
  // Page ids are digits: a random 9-digit stem per person (the old stem took the few digits of the base-36 tag, so
  // people made by different workers often got the same Page ids).
  const stem = `${randomInt(0, 1_000_000).toString().padStart(6, "0")}${((process.pid + counter) % 1000).toString().padStart(3, "0")}`;
  const name = opts.name ?? `Test Person ${tag}`;
  const pages =
    typeof opts.pages === "number"
      ? Array.from({ length: opts.pages }, (_, i) => ({
          id: `9${stem}${String(i).padStart(4, "0")}`,
          name: `${name} Page ${String(i + 1).padStart(3, "0")}`,
          category: "Community",
          tasks: i % 2 ? ["ANALYZE", "CREATE_CONTENT"] : ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"],
        }))
      : (opts.pages ?? [
          {
            id: `8${stem}001`,
            name: `${name} Bakery`,
            category: "Bakery",
            tasks: ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"],
          },
          { id: `8${stem}002`, name: `${name} Books`, category: "Book Store", tasks: ["ANALYZE", "MODERATE"] },
          { id: `8${stem}003`, name: `${name} Gym`, category: "Gym", tasks: ["ANALYZE"] },
        ]);
  const created = await fb.createPerson({ name, email: `${tag}@example.test`, pages });
  return { id: created.id, name, pages };
}

/**
 * On the emulator's consent page: pick the person, optionally untick scopes/pages, then Continue (or Cancel).
 */
export async function approveOnFacebook(
  page: Page,
  personName: string,
  opts: { untickScopes?: string[]; untickPages?: string[]; cancel?: boolean } = {},
) {
  await page.waitForURL(/\/dialog\/oauth/);
  await page.getByLabel(personName, { exact: true }).check();
  for (const s of opts.untickScopes ?? []) await page.getByLabel(`Scope ${s}`, { exact: true }).uncheck();
  for (const p of opts.untickPages ?? []) await page.getByLabel(`Page ${p}`, { exact: true }).uncheck();
  await page.getByRole("button", { name: opts.cancel ? "Cancel" : "Continue", exact: true }).click();
}

/** Landing → Continue with Facebook → consent as personName → the tenant dashboard. */
export async function signUpWithFacebook(page: Page, personName: string, opts: Parameters<typeof approveOnFacebook>[2] = {}) {
  await page.goto("/");
  await page.getByRole("button", { name: "Continue with Facebook" }).click();
  await approveOnFacebook(page, personName, opts);
  await page.waitForURL(/\/t\/[^/]+/);
}
