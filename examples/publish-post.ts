/**
 * An automation, end to end: fetch a Page token from Social Tokens with an API key, then publish a post on the Page
 * through the Graph API.
 *
 *   SOCIAL_TOKENS_API_KEY=stk_live_… npm run example:publish -- --page <id> --message "Hello"
 *
 * --page: our Page id or Facebook's page id. Environment:
 *   SOCIAL_TOKENS_API_KEY   an API key with the tokens:read scope (required)
 *   SOCIAL_TOKENS_URL       the app (default http://localhost:3000)
 *   FACEBOOK_GRAPH_URL      Graph API host (default https://graph.facebook.com; the demo's emulator: http://127.0.0.1:4010)
 *   FACEBOOK_API_VERSION    default v24.0
 *   FACEBOOK_APP_SECRET     when set, every Graph call carries appsecret_proof (apps with "Require App Secret")
 *
 * This is an automation's code, not the app's: it reads its own environment and uses only the typed client.
 */
import { createHmac } from "node:crypto";
import { parseArgs } from "node:util";
import { tokenApiClient } from "../lib/api-v1/client";

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const { values } = parseArgs({ options: { page: { type: "string" }, message: { type: "string" } }, strict: true });
if (!values.page || !values.message) fail('Usage: npm run example:publish -- --page <page id> --message "text"');
const apiKey = process.env.SOCIAL_TOKENS_API_KEY;
if (!apiKey) fail("Set SOCIAL_TOKENS_API_KEY to an API key (dashboard → Settings → API keys).");
const baseUrl = process.env.SOCIAL_TOKENS_URL ?? "http://localhost:3000";
const graphUrl = process.env.FACEBOOK_GRAPH_URL ?? "https://graph.facebook.com";
const version = process.env.FACEBOOK_API_VERSION ?? "v24.0";
const appSecret = process.env.FACEBOOK_APP_SECRET;

const api = tokenApiClient({ baseUrl, apiKey });

// 1. A usable Page token (409 if it is known to be dead: reconnect on the dashboard).
const {
  data: token,
  error,
  response,
} = await api.POST("/api/v1/pages/{id}/token", {
  params: { path: { id: values.page } },
  body: {},
});
if (!token) fail(`Social Tokens answered ${response.status}: ${error?.error.message ?? "no answer"}`);
if (token.token_type !== "page" || !token.facebook_page_id) fail("Expected a Page token.");
if (!token.tasks.some((t) => t === "CREATE_CONTENT" || t === "MANAGE")) {
  fail(`The Page token's tasks (${token.tasks.join(", ") || "none"}) do not allow posting: CREATE_CONTENT or MANAGE is needed.`);
}

// 2. Publish. The token goes in the Authorization header, never in a URL or a log line.
const form = new URLSearchParams({ message: values.message });
if (appSecret) form.set("appsecret_proof", createHmac("sha256", appSecret).update(token.token).digest("hex"));
const res = await fetch(`${graphUrl}/${version}/${token.facebook_page_id}/feed`, {
  method: "POST",
  headers: { Authorization: `Bearer ${token.token}`, "Content-Type": "application/x-www-form-urlencoded" },
  body: form,
});
const body = (await res.json()) as { id?: string; error?: { message: string; code: number } };
if (!res.ok || !body.id)
  fail(`Facebook answered ${res.status}: ${body.error ? `(${body.error.code}) ${body.error.message}` : "no post id"}`);
console.log(`Published post ${body.id} on Page ${token.facebook_page_id}.`);
