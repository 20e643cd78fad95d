import SwaggerParser from "@apidevtools/swagger-parser";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as openApiRoute } from "@/app/api/v1/openapi.json/route";
import { startConnectHarness, type ConnectHarness } from "../../test/support/connect-harness";
import { callApi, connectedWorkspace, makeKey, type ApiRouteName } from "../../test/support/api-v1";
import { openApiDocument } from "./openapi";

/**
 * The OpenAPI document is valid OpenAPI 3.1 (checked by swagger-parser), and the handlers answer what it says: every
 * documented (operation, status) is produced once against the real handlers, and each answer validates against the
 * documented schema (JSON Schema 2020-12, ajv). A status that is documented but never produced fails the last test.
 */

type Json = Record<string, unknown>;
let h: ConnectHarness;
const doc = openApiDocument() as Json & {
  paths: Record<string, Record<string, Json>>;
  components: Json & { responses: Record<string, Json>; schemas: Record<string, Json> };
};
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const exercised = new Set<string>();

beforeAll(async () => {
  h = await startConnectHarness({ env: { API_RATE_LIMIT_POINTS: "1000" } });
});

afterAll(async () => {
  await h?.close();
});

function operations(): { id: string; statuses: string[]; response: (status: string) => Json }[] {
  const out = [];
  for (const ops of Object.values(doc.paths)) {
    for (const op of Object.values(ops) as (Json & { operationId: string; responses: Record<string, Json> })[]) {
      out.push({
        id: op.operationId,
        statuses: Object.keys(op.responses),
        response: (status: string) => {
          const r = op.responses[status]!;
          return typeof r.$ref === "string" ? doc.components.responses[r.$ref.split("/").pop()!]! : r;
        },
      });
    }
  }
  return out;
}

function schemaFor(op: string, status: string): Json {
  const found = operations().find((o) => o.id === op);
  if (!found) throw new Error(`undocumented operation ${op}`);
  if (!found.statuses.includes(status)) throw new Error(`${op} answered ${status}, which its documentation does not list`);
  const content = (found.response(status).content as Record<string, { schema: Json }>)["application/json"]!.schema;
  return typeof content.$ref === "string" ? doc.components.schemas[content.$ref.split("/").pop()!]! : content;
}

/** Calls the handler, checks the status is documented and the body matches the documented schema. */
async function exercise(op: ApiRouteName, expected: number, args: Parameters<typeof callApi>[1]): Promise<void> {
  const res = await callApi(op, args);
  expect(res.status, `${op} → ${res.status}, wanted ${expected}`).toBe(expected);
  const validate = ajv.compile(schemaFor(op, String(res.status)));
  const body: unknown = await res.json();
  expect(validate(body), `${op} ${res.status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  if (res.status === 200) expect(res.headers.get("ratelimit-remaining")).not.toBeNull();
  exercised.add(`${op} ${res.status}`);
}

describe("OpenAPI document", () => {
  it("is valid OpenAPI 3.1 (swagger-parser) and served at /api/v1/openapi.json", async () => {
    const res = openApiRoute();
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const served = (await res.json()) as Json;
    expect(served).toEqual(JSON.parse(JSON.stringify(doc)));
    expect(served.openapi).toBe("3.1.0");
    await expect(SwaggerParser.validate(structuredClone(served) as never)).resolves.toBeTruthy();
  });

  it("every documented status and shape is what the handlers answer", async () => {
    const w = await connectedWorkspace(h, 2);
    const other = await connectedWorkspace(h, 1);
    const key = await makeKey(w.member);
    const noScope = await makeKey(w.member, { scopes: ["pages:read"] });
    const tokensOnly = await makeKey(w.member, { scopes: ["tokens:read"] });
    const page = w.pages[0]!;
    const identity = w.identity.id;

    for (const op of ["listPages", "listIdentities"] as const) {
      await exercise(op, 200, { key: key.key });
      await exercise(op, 401, { key: "stk_live_nope" });
      await exercise(op, 403, { key: tokensOnly.key });
      await exercise(op, 422, { key: key.key, query: { unknown: "1" } });
    }
    await exercise("getPage", 200, { key: key.key, id: page.page_id });
    await exercise("getPage", 401, { id: page.id });
    await exercise("getPage", 403, { key: tokensOnly.key, id: page.id });
    await exercise("getPage", 404, { key: key.key, id: other.pages[0]!.id });

    const tokenOps = [
      { op: "pageToken" as const, id: page.id, foreign: other.pages[0]!.page_id, tokenId: page.token_id },
      { op: "identityToken" as const, id: identity, foreign: other.identity.id, tokenId: w.identity.token_id },
    ];
    for (const t of tokenOps) {
      await exercise(t.op, 200, { key: key.key, id: t.id });
      await exercise(t.op, 400, { key: key.key, id: t.id, rawBody: "{" });
      await exercise(t.op, 401, { id: t.id });
      await exercise(t.op, 403, { key: noScope.key, id: t.id });
      await exercise(t.op, 404, { key: key.key, id: t.foreign });
      await exercise(t.op, 422, { key: key.key, id: t.id, body: { verify: 1 } });
      // Facebook is down while asked to verify: 502, nothing handed out.
      await h.control.failNext({ path: "/", times: 1, response: { status: 500, error: { code: 2 } } });
      await exercise(t.op, 502, { key: key.key, id: t.id, body: { verify: true } });
      await h.db.owner.query(`UPDATE ad_tokens SET status = 'revoked' WHERE id = $1`, [t.tokenId]);
      await exercise(t.op, 409, { key: key.key, id: t.id });
    }

    // 429 on every operation: a key whose allowance is spent (the limit is read per request).
    const spent = await makeKey(w.member);
    h.setEnv({ API_RATE_LIMIT_POINTS: "1" });
    try {
      await callApi("listPages", { key: spent.key });
      for (const [op, id] of [
        ["listPages", undefined],
        ["getPage", page.id],
        ["pageToken", page.id],
        ["listIdentities", undefined],
        ["identityToken", identity],
      ] as const) {
        await exercise(op, 429, { key: spent.key, id });
      }
    } finally {
      h.setEnv({ API_RATE_LIMIT_POINTS: "1000" });
    }
  });

  it("no documented status was left unexercised", () => {
    const documented = operations().flatMap((o) => o.statuses.map((s) => `${o.id} ${s}`));
    expect(documented.length).toBeGreaterThan(20);
    expect(documented.filter((d) => !exercised.has(d))).toEqual([]);
  });
});
