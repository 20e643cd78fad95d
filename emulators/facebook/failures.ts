/** fail-next rules: make the next matching Graph request(s) fail. */
import { GraphError, defaultMessage, errorResult, jsonResult, statusForCode } from "./errors.js";
import { isRecord } from "./http-util.js";
import type { FailMatch, FailNextSpec, FailResponse, FailureRule, GraphResult } from "./types.js";

/** Strip a "/vNN.N" prefix and trailing slash: "/v24.0/me/" -> "/me", "" -> "/". */
export function normalizePath(path: string): string {
  let p = path.startsWith("/") ? path : "/" + path;
  p = p.replace(/^\/v\d+\.\d+(?=\/|$)/, "");
  if (p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
  return p === "" ? "/" : p;
}

function optNumber(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`${name} must be a number`);
  return v;
}

function parseMatch(v: unknown): FailMatch {
  if (v === undefined || v === null) return {};
  if (!isRecord(v)) throw new Error("match must be an object");
  const grant = v["grant_type"];
  const after = v["after"];
  const person = v["person"];
  if (person !== undefined && typeof person !== "string") throw new Error("match.person must be a string");
  if (grant !== undefined && typeof grant !== "string") throw new Error("match.grant_type must be a string");
  if (after !== undefined && typeof after !== "string" && typeof after !== "boolean") {
    throw new Error("match.after must be a string or boolean");
  }
  return { grant_type: grant, after, page: optNumber(v["page"], "match.page"), person };
}

function parseResponse(v: unknown): FailResponse {
  if (!isRecord(v)) throw new Error("response must be an object");
  const out: FailResponse = {
    status: optNumber(v["status"], "response.status"),
    timeoutMs: optNumber(v["timeoutMs"], "response.timeoutMs"),
  };
  const err = v["error"];
  if (err !== undefined) {
    if (!isRecord(err) || typeof err["code"] !== "number") throw new Error("response.error.code must be a number");
    const message = err["message"];
    out.error = {
      code: err["code"],
      subcode: optNumber(err["subcode"], "response.error.subcode"),
      message: typeof message === "string" ? message : undefined,
    };
  }
  const malformed = v["malformed"];
  if (malformed !== undefined) {
    if (malformed !== true && malformed !== false && malformed !== "not-json" && malformed !== "wrong-shape") {
      throw new Error('response.malformed must be a boolean, "not-json" or "wrong-shape"');
    }
    out.malformed = malformed;
  }
  return out;
}

export function parseFailSpec(body: Record<string, unknown>): FailNextSpec {
  const path = body["path"];
  if (typeof path !== "string") throw new Error("path must be a string");
  return {
    path,
    match: parseMatch(body["match"]),
    times: optNumber(body["times"], "times"),
    response: parseResponse(body["response"]),
  };
}

export function makeRule(id: number, spec: FailNextSpec): FailureRule {
  return {
    id,
    path: normalizePath(spec.path),
    match: spec.match ?? {},
    remaining: Math.max(1, Math.floor(spec.times ?? 1)),
    seen: 0,
    response: spec.response,
  };
}

function effectiveGrantType(params: Map<string, string>): string | undefined {
  return params.get("grant_type") ?? (params.has("code") ? "authorization_code" : undefined);
}

function afterMatches(want: string | boolean | undefined, got: string | undefined): boolean {
  if (want === undefined) return true;
  if (want === true || want === "present" || want === "*") return got !== undefined && got !== "";
  if (want === false || want === "absent" || want === "") return got === undefined || got === "";
  return got === want;
}

function matches(rule: FailureRule, path: string, params: Map<string, string>, personOf: () => string | undefined): boolean {
  if (rule.path !== path) return false;
  const m = rule.match;
  if (m.grant_type !== undefined && effectiveGrantType(params) !== m.grant_type) return false;
  if (m.person !== undefined && personOf() !== m.person) return false;
  return afterMatches(m.after, params.get("after"));
}

/**
 * Count the request against every matching rule, and consume the first one that fires. `personOf` names the person
 * the request is made for (only asked when a rule has `match.person`).
 */
export function takeFailure(
  rules: FailureRule[],
  path: string,
  params: Map<string, string>,
  personOf: () => string | undefined = () => undefined,
): FailResponse | undefined {
  let fired: FailureRule | undefined;
  for (const rule of rules) {
    if (!matches(rule, path, params, personOf)) continue;
    rule.seen++;
    if (fired === undefined && rule.seen >= (rule.match.page ?? 1)) fired = rule;
  }
  if (fired === undefined) return undefined;
  fired.remaining--;
  if (fired.remaining <= 0) rules.splice(rules.indexOf(fired), 1);
  return fired.response;
}

/** The response a rule asks for, or undefined when it only delays. */
export function failureResult(resp: FailResponse): GraphResult | undefined {
  if (resp.malformed === true || resp.malformed === "not-json") {
    return {
      status: resp.status ?? 200,
      body: "<!DOCTYPE html><html><body>Sorry, something went wrong.</body></html>",
      contentType: "text/html; charset=utf-8",
    };
  }
  if (resp.malformed === "wrong-shape") return jsonResult(resp.status ?? 200, { unexpected: true, data: "not-what-you-expected" });
  if (resp.error !== undefined) {
    const e = resp.error;
    return errorResult(
      new GraphError(e.code, e.message ?? defaultMessage(e.code), {
        subcode: e.subcode,
        status: resp.status ?? statusForCode(e.code),
      }),
    );
  }
  if (resp.status !== undefined) {
    const code = resp.status >= 500 && resp.status !== 500 ? 2 : 1;
    return errorResult(new GraphError(code, defaultMessage(code), { status: resp.status }));
  }
  return undefined;
}
