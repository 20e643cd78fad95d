import { readFileSync } from "node:fs";
import internals from "@prisma/internals";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database";
import { compareModelToCatalog, readCatalog, type ModelDatamodel } from "../../test/support/schema-drift";

const { getDMMF } = internals;

const SCHEMA = readFileSync("prisma/schema.prisma", "utf8");

async function datamodelOf(schemaText: string): Promise<ModelDatamodel> {
  return (await getDMMF({ datamodel: schemaText })).datamodel;
}

let db: TestDatabase;
let model: ModelDatamodel;

beforeAll(async () => {
  db = await createTestDatabase();
  model = await datamodelOf(SCHEMA);
});

afterAll(async () => {
  await db?.drop();
});

/** Runs an owner-side DDL change for the duration of fn, then undoes it (tests stay order-independent). */
async function withAlteredDatabase(change: string, undo: string, fn: () => Promise<void>): Promise<void> {
  await db.owner.query(change);
  try {
    await fn();
  } finally {
    await db.owner.query(undo);
  }
}

describe("Prisma model vs migrated database", () => {
  it("the real schema and the migrated database agree column by column (no mismatches)", async () => {
    const catalog = await readCatalog(db.owner);
    // Sanity: the comparison really had something to compare.
    expect(catalog.tables).toContain("facebook_pages");
    expect(catalog.tables).toContain("instagram_accounts");
    expect(catalog.columns.find((c) => c.table === "facebook_pages" && c.column === "tasks")).toMatchObject({
      dataType: "ARRAY",
      udtName: "_text",
      isNullable: false,
    });
    expect(catalog.enums.token_type).toEqual(["user", "page"]);

    expect(compareModelToCatalog(model, catalog)).toEqual([]);
  });

  it("catches array vs json: a model declaring FacebookPage.tasks as Json is reported against the text[] column", async () => {
    // The seed's bug: JSON in one place, ARRAY in the other. `@default([])` is swapped for `@default("[]")` because
    // Prisma rejects a list default on a non-list field.
    const edited = SCHEMA.replace(/tasks {6}String\[\]\s+@default\(\[\]\)/, `tasks Json @default("[]")`);
    expect(edited).not.toBe(SCHEMA);

    const mismatches = compareModelToCatalog(await datamodelOf(edited), await readCatalog(db.owner));

    expect(mismatches).toHaveLength(1);
    expect(mismatches[0]).toContain("facebook_pages.tasks");
    expect(mismatches[0]).toMatch(/type mismatch/);
    expect(mismatches[0]).toContain("Json (jsonb)");
    expect(mismatches[0]).toContain("ARRAY (_text)");
  });

  it("catches nullability drift: a NOT NULL facebook_pages.category against the optional String? field", async () => {
    await withAlteredDatabase(
      `ALTER TABLE facebook_pages ALTER COLUMN category SET NOT NULL`,
      `ALTER TABLE facebook_pages ALTER COLUMN category DROP NOT NULL`,
      async () => {
        const mismatches = compareModelToCatalog(model, await readCatalog(db.owner));
        expect(mismatches).toEqual([
          "facebook_pages.category: nullability mismatch: model says optional (nullable), database has NOT NULL",
        ]);
      },
    );
  });

  it("catches an extra column that exists only in the database", async () => {
    await withAlteredDatabase(
      `ALTER TABLE ad_tokens ADD COLUMN access_token text`,
      `ALTER TABLE ad_tokens DROP COLUMN access_token`,
      async () => {
        const mismatches = compareModelToCatalog(model, await readCatalog(db.owner));
        expect(mismatches).toEqual(["ad_tokens.access_token: column exists in the database but not in model AdToken"]);
      },
    );
  });

  it("catches a database default the model does not declare (token_type must have none)", async () => {
    await withAlteredDatabase(
      `ALTER TABLE ad_tokens ALTER COLUMN token_type SET DEFAULT 'user'`,
      `ALTER TABLE ad_tokens ALTER COLUMN token_type DROP DEFAULT`,
      async () => {
        const mismatches = compareModelToCatalog(model, await readCatalog(db.owner));
        expect(mismatches).toHaveLength(1);
        expect(mismatches[0]).toMatch(/^ad_tokens\.token_type: default mismatch: model has no default, database has DEFAULT 'user'/);
      },
    );
  });

  it("catches enum label drift (same labels, same order) and a table the model does not know", async () => {
    const edited = SCHEMA.replace("  revoked\n  invalid\n", "  invalid\n  revoked\n");
    expect(edited).not.toBe(SCHEMA);

    await withAlteredDatabase(`CREATE TABLE stray (id int)`, `DROP TABLE stray`, async () => {
      const mismatches = compareModelToCatalog(await datamodelOf(edited), await readCatalog(db.owner));
      expect(mismatches).toEqual([
        "stray: table exists in the database but not in the model",
        "enum token_status: labels differ: model says [unchecked, active, expiring, expired, invalid, revoked, data_access_expiring, " +
          "data_access_expired], database has [unchecked, active, expiring, expired, revoked, invalid, data_access_expiring, " +
          "data_access_expired]",
      ]);
    });
  });
});
