import { readFileSync } from "node:fs";
import { format, resolveConfig } from "prettier";
import { describe, expect, it } from "vitest";
import { generateClientSchema, SCHEMA_FILE } from "./generate";

describe("typed client", () => {
  it("the committed schema file is what `npm run api:client` generates from the current OpenAPI document", async () => {
    const generated = await format(await generateClientSchema(), { ...(await resolveConfig(SCHEMA_FILE)), filepath: SCHEMA_FILE });
    expect(readFileSync(SCHEMA_FILE, "utf8"), "the client is stale: run npm run api:client and commit the result").toBe(generated);
  });
});
