import path from "node:path";
import { test } from "@playwright/test";

/**
 * Where a screenshot goes: docs/screenshots/<name> under `npm run screenshots` (README_SCREENSHOTS is set), else the
 * test's own output folder under test-results/ (git-ignored), so `npm test` leaves the tracked pictures alone.
 */
export function screenshotPath(name: string): string {
  const dir = process.env.README_SCREENSHOTS;
  return dir ? path.join(dir, name) : test.info().outputPath(name);
}
