import "server-only";
import type pg from "pg";

/**
 * Compares the Prisma model (DMMF datamodel) with a migrated database's catalog, column by column.
 * The migrations are hand-written SQL, so nothing else guarantees that what Prisma believes about a column
 * (type, list-ness, nullability, default) is what the database has; the seed shipped `tasks` as JSON in one and
 * ARRAY in the other. `compareModelToCatalog` is pure; `readCatalog` reads the catalog (run it as the owner:
 * information_schema only shows columns the connected role has privileges on).
 */

// ------------------------------------------------------------------------------------------- model side
// Structural subsets of @prisma/dmmf's types, so any DMMF document (getDMMF, or the generated client's) fits.

type DefaultValue = string | number | boolean;

export interface ModelField {
  readonly name: string;
  readonly dbName?: string | null;
  readonly kind: string; // "scalar" | "enum" | "object" | "unsupported"
  readonly type: string;
  readonly isList: boolean;
  readonly isRequired: boolean;
  readonly isUpdatedAt?: boolean;
  readonly hasDefaultValue: boolean;
  readonly nativeType?: readonly [string, readonly string[]] | null;
  readonly default?: { readonly name: string; readonly args: readonly (string | number)[] } | DefaultValue | readonly DefaultValue[];
}

export interface ModelDatamodel {
  readonly models: readonly { readonly name: string; readonly dbName: string | null; readonly fields: readonly ModelField[] }[];
  readonly enums: readonly {
    readonly name: string;
    readonly dbName?: string | null;
    readonly values: readonly { readonly name: string; readonly dbName: string | null }[];
  }[];
}

// ------------------------------------------------------------------------------------------- database side

export interface CatalogColumn {
  table: string;
  column: string;
  /** information_schema.columns.data_type: "text", "uuid", "ARRAY", "USER-DEFINED", "timestamp with time zone"… */
  dataType: string;
  /** pg_type name: "text", "uuid", "_text" for text[], the enum's type name for enums. */
  udtName: string;
  isNullable: boolean;
  columnDefault: string | null;
  datetimePrecision: number | null;
}

export interface Catalog {
  tables: string[];
  columns: CatalogColumn[];
  /** Enum type name → labels in declaration (sort) order. */
  enums: Record<string, string[]>;
}

/** Tables that belong to the migration tooling, not to the model. */
export const IGNORED_TABLES: readonly string[] = ["_prisma_migrations"];

type Queryable = Pick<pg.Pool, "query"> | Pick<pg.ClientBase, "query">;

export async function readCatalog(client: Queryable, schema = "public"): Promise<Catalog> {
  const q = client as Pick<pg.ClientBase, "query">;
  const tables = await q.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
    [schema],
  );
  const columns = await q.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    udt_name: string;
    is_nullable: "YES" | "NO";
    column_default: string | null;
    datetime_precision: number | null;
  }>(
    `SELECT c.table_name, c.column_name, c.data_type, t.typname AS udt_name, c.is_nullable, c.column_default,
            c.datetime_precision::int AS datetime_precision
       FROM information_schema.columns c
       JOIN pg_type t ON t.typname = c.udt_name
       JOIN pg_namespace n ON n.oid = t.typnamespace AND n.nspname = c.udt_schema
      WHERE c.table_schema = $1
      ORDER BY c.table_name, c.ordinal_position`,
    [schema],
  );
  const enums = await q.query<{ type_name: string; label: string }>(
    `SELECT t.typname AS type_name, e.enumlabel AS label
       FROM pg_enum e
       JOIN pg_type t ON t.oid = e.enumtypid
       JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = $1
      ORDER BY t.typname, e.enumsortorder`,
    [schema],
  );
  const enumLabels: Record<string, string[]> = {};
  for (const row of enums.rows) (enumLabels[row.type_name] ??= []).push(row.label);
  return {
    tables: tables.rows.map((r) => r.table_name),
    columns: columns.rows.map((r) => ({
      table: r.table_name,
      column: r.column_name,
      dataType: r.data_type,
      udtName: r.udt_name,
      isNullable: r.is_nullable === "YES",
      columnDefault: r.column_default,
      datetimePrecision: r.datetime_precision,
    })),
    enums: enumLabels,
  };
}

// ------------------------------------------------------------------------------------------- comparison

interface ExpectedType {
  /** data_type of a scalar column of this type (for lists the column's data_type is "ARRAY"). */
  dataType: string;
  udtName: string;
  datetimePrecision?: number;
}

/** What PostgreSQL type Prisma maps a field to, or a string explaining why there is no rule for it. */
function expectedType(field: ModelField, enumDbNames: ReadonlyMap<string, string>): ExpectedType | string {
  if (field.kind === "enum") {
    const dbName = enumDbNames.get(field.type);
    return dbName ? { dataType: "USER-DEFINED", udtName: dbName } : `enum ${field.type} is not declared in the model`;
  }
  const [native, args] = field.nativeType ?? [undefined, []];
  const precision = args[0] === undefined ? undefined : Number(args[0]);
  switch (`${field.type}:${native ?? ""}`) {
    case "String:":
    case "String:Text":
      return { dataType: "text", udtName: "text" };
    case "String:Uuid":
      return { dataType: "uuid", udtName: "uuid" };
    case "String:VarChar":
      return { dataType: "character varying", udtName: "varchar" };
    case "Int:":
    case "Int:Integer":
      return { dataType: "integer", udtName: "int4" };
    case "BigInt:":
      return { dataType: "bigint", udtName: "int8" };
    case "Float:":
      return { dataType: "double precision", udtName: "float8" };
    case "Decimal:":
      return { dataType: "numeric", udtName: "numeric" };
    case "Boolean:":
      return { dataType: "boolean", udtName: "bool" };
    case "DateTime:": // Prisma's default for PostgreSQL is timestamp(3) without time zone
      return { dataType: "timestamp without time zone", udtName: "timestamp", datetimePrecision: 3 };
    case "DateTime:Timestamp":
      return { dataType: "timestamp without time zone", udtName: "timestamp", datetimePrecision: precision };
    case "DateTime:Timestamptz":
      return { dataType: "timestamp with time zone", udtName: "timestamptz", datetimePrecision: precision };
    case "DateTime:Date":
      return { dataType: "date", udtName: "date" };
    case "Bytes:":
      return { dataType: "bytea", udtName: "bytea" };
    case "Json:":
    case "Json:JsonB":
      return { dataType: "jsonb", udtName: "jsonb" };
    case "Json:Json":
      return { dataType: "json", udtName: "json" };
    default:
      return `no type rule for ${field.type}${native ? ` @db.${native}` : ""}`;
  }
}

function describeModelType(field: ModelField, expected: ExpectedType): string {
  const prisma = `${field.type}${field.isList ? "[]" : ""}${field.nativeType ? ` @db.${field.nativeType[0]}` : ""}`;
  return `${prisma} (${field.isList ? `ARRAY of ${expected.udtName}` : expected.dataType})`;
}

function describeColumnType(column: CatalogColumn): string {
  if (column.dataType === "ARRAY") return `ARRAY (${column.udtName})`;
  if (column.dataType === "USER-DEFINED") return `USER-DEFINED (${column.udtName})`;
  return column.dataType;
}

function compareType(where: string, field: ModelField, column: CatalogColumn, enumDbNames: ReadonlyMap<string, string>): string[] {
  const expected = expectedType(field, enumDbNames);
  if (typeof expected === "string") return [`${where}: ${expected}`];
  const dataType = field.isList ? "ARRAY" : expected.dataType;
  const udtName = field.isList ? `_${expected.udtName}` : expected.udtName;
  if (column.dataType !== dataType || column.udtName !== udtName) {
    return [`${where}: type mismatch: model says ${describeModelType(field, expected)}, database has ${describeColumnType(column)}`];
  }
  if (expected.datetimePrecision !== undefined && column.datetimePrecision !== expected.datetimePrecision) {
    return [`${where}: precision mismatch: model says ${expected.datetimePrecision}, database has ${column.datetimePrecision}`];
  }
  return [];
}

function compareNullability(where: string, field: ModelField, column: CatalogColumn): string[] {
  // Prisma lists are never NULL (an absent list is []); this project declares every array column NOT NULL.
  const modelNullable = !field.isRequired && !field.isList;
  if (modelNullable === column.isNullable) return [];
  const model = field.isList ? "a list (NOT NULL)" : field.isRequired ? "required (NOT NULL)" : "optional (nullable)";
  return [`${where}: nullability mismatch: model says ${model}, database has ${column.isNullable ? "nullable" : "NOT NULL"}`];
}

function compareDefault(where: string, field: ModelField, column: CatalogColumn): string[] {
  // @updatedAt alone is set by Prisma, not the database; here every @updatedAt also has @default(now()).
  const dbHasDefault = column.columnDefault !== null;
  if (field.hasDefaultValue !== dbHasDefault) {
    return [
      `${where}: default mismatch: model ${field.hasDefaultValue ? "has a default" : "has no default"}, ` +
        `database ${dbHasDefault ? `has DEFAULT ${column.columnDefault}` : "has none"}`,
    ];
  }
  const d = field.default;
  if (column.columnDefault !== null && typeof d === "object" && d !== null && !Array.isArray(d) && "name" in d) {
    if (d.name === "dbgenerated" && typeof d.args[0] === "string" && !column.columnDefault.includes(d.args[0])) {
      return [`${where}: default mismatch: model says dbgenerated("${d.args[0]}"), database has DEFAULT ${column.columnDefault}`];
    }
    if (d.name === "now" && !/^(CURRENT_TIMESTAMP|now\(\))/i.test(column.columnDefault)) {
      return [`${where}: default mismatch: model says now(), database has DEFAULT ${column.columnDefault}`];
    }
  }
  return [];
}

function columnName(field: ModelField): string {
  return field.dbName ?? field.name;
}

/** Human-readable differences between the Prisma model and the database catalog; [] when they agree. */
export function compareModelToCatalog(datamodel: ModelDatamodel, catalog: Catalog): string[] {
  const mismatches: string[] = [];
  const enumDbNames = new Map(datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));

  const modelTables = new Set(datamodel.models.map((m) => m.dbName ?? m.name));
  for (const table of catalog.tables) {
    if (!modelTables.has(table) && !IGNORED_TABLES.includes(table))
      mismatches.push(`${table}: table exists in the database but not in the model`);
  }

  for (const model of datamodel.models) {
    const table = model.dbName ?? model.name;
    if (!catalog.tables.includes(table)) {
      mismatches.push(`${table}: model ${model.name} has no table in the database`);
      continue;
    }
    const columns = new Map(catalog.columns.filter((c) => c.table === table).map((c) => [c.column, c]));
    const fields = model.fields.filter((f) => f.kind === "scalar" || f.kind === "enum");
    const fieldColumns = new Set(fields.map(columnName));
    for (const column of columns.keys()) {
      if (!fieldColumns.has(column)) mismatches.push(`${table}.${column}: column exists in the database but not in model ${model.name}`);
    }
    for (const field of fields) {
      const where = `${table}.${columnName(field)}`;
      const column = columns.get(columnName(field));
      if (!column) {
        mismatches.push(`${where}: field ${model.name}.${field.name} has no column in the database`);
        continue;
      }
      mismatches.push(
        ...compareType(where, field, column, enumDbNames),
        ...compareNullability(where, field, column),
        ...compareDefault(where, field, column),
      );
    }
  }

  for (const e of datamodel.enums) {
    const dbName = e.dbName ?? e.name;
    const modelLabels = e.values.map((v) => v.dbName ?? v.name);
    const dbLabels = catalog.enums[dbName];
    if (!dbLabels) mismatches.push(`enum ${dbName}: enum ${e.name} has no type in the database`);
    else if (modelLabels.join("\u0000") !== dbLabels.join("\u0000")) {
      mismatches.push(`enum ${dbName}: labels differ: model says [${modelLabels.join(", ")}], database has [${dbLabels.join(", ")}]`);
    }
  }
  const modelEnums = new Set(enumDbNames.values());
  for (const dbName of Object.keys(catalog.enums)) {
    if (!modelEnums.has(dbName)) mismatches.push(`enum ${dbName}: enum type exists in the database but not in the model`);
  }

  return mismatches;
}
