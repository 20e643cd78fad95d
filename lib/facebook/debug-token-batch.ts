import "server-only";
import { z } from "zod";
import { FacebookApiError } from "./errors";
import { appsecretProof, type GraphClient } from "./graph-client";
import type { GraphUsage } from "./usage";
import { parseJsonOrUndefined } from "./json";

/**
 * debug_token for up to 50 tokens in one Graph batch request, with the app access token ({app_id}|{app_secret}).
 * The app token and the input tokens travel only in the POST body (never a URL, never a log line).
 */

export const GRAPH_BATCH_LIMIT = 50;

/** What debug_token said about one input token. */
export interface DebugTokenInfo {
  isValid: boolean;
  /** null when Facebook gave none or 0; `neverExpires` tells the two apart (0 = never, e.g. Page tokens). */
  expiresAt: Date | null;
  neverExpires: boolean;
  dataAccessExpiresAt: Date | null;
  errorCode: number | null;
  errorSubcode: number | null;
}

/** One batch item's outcome: Facebook's verdict on the token, or an error of the debug_token call itself. */
export type DebugOutcome = { kind: "info"; info: DebugTokenInfo } | { kind: "call_error"; error: FacebookApiError };

export interface DebugBatchResult {
  outcomes: DebugOutcome[];
  usage: GraphUsage;
}

const batchAnswer = z.array(
  z
    .object({
      code: z.number(),
      body: z.string().nullish(),
    })
    .nullable(),
);

const debugBody = z.object({
  data: z
    .object({
      is_valid: z.boolean().optional(),
      expires_at: z.number().optional(),
      data_access_expires_at: z.number().optional(),
      error: z
        .object({
          code: z.number().optional(),
          subcode: z.number().optional(),
        })
        .passthrough()
        .optional(),
    })
    .passthrough(),
});

const itemError = z.object({
  error: z
    .object({
      code: z.number().optional(),
      error_subcode: z.number().optional(),
      type: z.string().optional(),
    })
    .passthrough(),
});

function unixToDate(seconds: number | undefined): Date | null {
  return seconds && seconds > 0 ? new Date(seconds * 1000) : null;
}

/** Turns one batch entry into an outcome. Never includes Facebook's message text (ours are safe words). */
export function parseBatchItem(entry: { code: number; body?: string | null } | null): DebugOutcome {
  if (entry === null) {
    // Facebook answers null for an item it did not run (its own time limit): try again later.
    return { kind: "call_error", error: new FacebookApiError("Facebook did not run this check.", { status: 0, transport: "timeout" }) };
  }
  const json = parseJsonOrUndefined(entry.body);
  if (entry.code === 200) {
    const parsed = debugBody.safeParse(json);
    if (parsed.success) {
      const d = parsed.data.data;
      return {
        kind: "info",
        info: {
          isValid: d.is_valid === true,
          expiresAt: unixToDate(d.expires_at),
          neverExpires: d.expires_at === 0,
          dataAccessExpiresAt: unixToDate(d.data_access_expires_at),
          errorCode: d.error?.code ?? null,
          errorSubcode: d.error?.subcode ?? null,
        },
      };
    }
  }
  const err = itemError.safeParse(json);
  if (err.success) {
    return {
      kind: "call_error",
      error: new FacebookApiError(`debug_token failed with code ${err.data.error.code ?? entry.code}.`, {
        status: entry.code,
        code: err.data.error.code,
        subcode: err.data.error.error_subcode,
        type: err.data.error.type,
      }),
    };
  }
  return {
    kind: "call_error",
    error: new FacebookApiError(`debug_token answered HTTP ${entry.code} with a body we could not read.`, {
      status: entry.code,
      transport: entry.code >= 200 && entry.code < 300 ? "malformed" : undefined,
    }),
  };
}

/**
 * Sends one batch (1..50 tokens). Throws FacebookApiError when the batch as a whole failed (rate limit, app token
 * refused, timeout, 5xx…); otherwise returns one outcome per input token, in order.
 */
export async function debugTokensBatch(graph: GraphClient, tokens: readonly string[]): Promise<DebugBatchResult> {
  if (tokens.length === 0) throw new Error("debugTokensBatch needs at least one token");
  if (tokens.length > GRAPH_BATCH_LIMIT) throw new Error(`debugTokensBatch takes at most ${GRAPH_BATCH_LIMIT} tokens`);
  const { appId, appSecret, appsecretProof: withProof } = graph.config;
  const appToken = `${appId}|${appSecret}`;
  const batch = tokens.map((t) => ({ method: "GET", relative_url: `debug_token?input_token=${encodeURIComponent(t)}` }));
  const form: Record<string, string> = { access_token: appToken, batch: JSON.stringify(batch), include_headers: "false" };
  if (withProof) form.appsecret_proof = appsecretProof(appToken, appSecret);
  const { body, usage } = await graph.postForm("", form, null, batchAnswer);
  if (body.length !== tokens.length) {
    throw new FacebookApiError(`Facebook answered ${body.length} results for a batch of ${tokens.length}.`, {
      status: 200,
      transport: "malformed",
    });
  }
  return { outcomes: body.map(parseBatchItem), usage };
}
