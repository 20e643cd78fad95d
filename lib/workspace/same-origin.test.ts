import { describe, expect, it } from "vitest";
import { isSameOriginJson } from "./same-origin";

const req = (headers: Record<string, string>) =>
  new Request("https://app.example.test/api/t/x/pages/y/disconnect", { method: "POST", headers });

describe("isSameOriginJson (CSRF guard of the dashboard's route handlers)", () => {
  it("accepts the app's own fetch: exactly application/json, same-origin", () => {
    expect(isSameOriginJson(req({ "content-type": "application/json", "sec-fetch-site": "same-origin" }))).toBe(true);
    expect(isSameOriginJson(req({ "content-type": "application/json; charset=utf-8", origin: "https://app.example.test" }))).toBe(true);
  });

  it.each([
    [
      "a simple text/plain request smuggling the word",
      { "content-type": "text/plain; x=application/json", "sec-fetch-site": "same-origin" },
    ],
    ["a form post", { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "cross-site" }],
    ["a cross-site fetch", { "content-type": "application/json", "sec-fetch-site": "cross-site" }],
    ["a sibling subdomain (same-site)", { "content-type": "application/json", "sec-fetch-site": "same-site" }],
    ["another origin without Fetch Metadata", { "content-type": "application/json", origin: "https://evil.example" }],
    ["no content type", { "sec-fetch-site": "same-origin" }],
  ])("refuses %s", (_what, headers) => {
    expect(isSameOriginJson(req(headers))).toBe(false);
  });
});
