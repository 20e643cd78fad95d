/**
 * `prisma generate` that works offline: generation never runs the schema engine, but the CLI insists on
 * finding its binary (which it would otherwise download). Point it at any existing file when none is present.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const env: NodeJS.ProcessEnv = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
if (!existsSync(env.PRISMA_SCHEMA_ENGINE_BINARY)) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;

const res = spawnSync(process.platform === "win32" ? "npx.cmd" : "npx", ["prisma", "generate"], { stdio: "inherit", env });
process.exit(res.status ?? 1);
