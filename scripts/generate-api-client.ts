/** Regenerates the token API's typed client schema (lib/api-v1/client/schema.ts) from the OpenAPI document. */
import { writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { generateClientSchema, SCHEMA_FILE } from "../lib/api-v1/client/generate";

const text = await generateClientSchema();
writeFileSync(SCHEMA_FILE, text);
execFileSync("npx", ["prettier", "--write", "--log-level=warn", SCHEMA_FILE], { stdio: "inherit" });
console.log(`wrote ${SCHEMA_FILE}`);
