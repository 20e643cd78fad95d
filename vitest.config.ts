import { defineConfig } from "vitest/config";
import path from "node:path";

/**
 * Two tiers: `unit` (*.test.ts: no database, no network; seconds) and `integration` (*.integration.test.ts: real
 * PostgreSQL through TEST_DATABASE_URL, one throw-away database and role per file, the emulators over HTTP).
 */
const shared = {
  resolve: {
    alias: { "@": path.resolve(import.meta.dirname) },
    // Resolve "server-only" (and React) as the server does: these are server modules.
    conditions: ["react-server"],
  },
  ssr: { resolve: { conditions: ["react-server"], externalConditions: ["react-server"] } },
};
const roots = ["lib", "components", "emulators", "test", "scripts"];

export default defineConfig({
  ...shared,
  test: {
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: true,
    maxWorkers: 2,
    projects: [
      {
        ...shared,
        test: {
          name: "unit",
          include: roots.map((r) => `${r}/**/*.test.ts`),
          exclude: ["**/*.integration.test.ts", "**/node_modules/**"],
        },
      },
      {
        ...shared,
        test: {
          name: "integration",
          include: roots.map((r) => `${r}/**/*.integration.test.ts`),
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
