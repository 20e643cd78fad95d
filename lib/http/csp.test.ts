import { describe, expect, it } from "vitest";
import { buildCsp, hasMalformedPercentEncoding, isCrossSiteServerAction } from "./csp";

/** Security findings: CSP without 'unsafe-inline' scripts or any-host images/forms; malformed paths; cross-site actions. */
describe("buildCsp", () => {
  const prod = buildCsp({
    nonce: "n0nce",
    dialogOrigin: "https://www.facebook.com",
    graphOrigin: "https://graph.facebook.com",
    dev: false,
  });
  const directive = (csp: string, name: string) => csp.split("; ").find((d) => d.startsWith(`${name} `)) ?? "";

  it("allows scripts only with this request's nonce: no 'unsafe-inline', no 'unsafe-eval' in production", () => {
    expect(directive(prod, "script-src")).toBe("script-src 'self' 'nonce-n0nce' 'strict-dynamic'");
    expect(prod).not.toMatch(/script-src[^;]*unsafe-inline/);
  });

  it("lists only the hosts the app needs: no bare https: or http: for images or forms", () => {
    expect(directive(prod, "img-src")).toBe("img-src 'self' data: https://*.fbcdn.net https://platform-lookaside.fbsbx.com");
    expect(directive(prod, "form-action")).toBe("form-action 'self' https://www.facebook.com");
    for (const d of prod.split("; ")) expect(d.split(" ")).not.toEqual(expect.arrayContaining(["https:", "http:"]));
    expect(directive(prod, "frame-ancestors")).toBe("frame-ancestors 'none'");
    expect(directive(prod, "object-src")).toBe("object-src 'none'");
  });

  it("names the emulator's origin for pictures and the dialog in development", () => {
    const dev = buildCsp({ nonce: "x", dialogOrigin: "http://127.0.0.1:4010", graphOrigin: "http://127.0.0.1:4010", dev: true });
    expect(directive(dev, "img-src")).toContain("http://127.0.0.1:4010");
    expect(directive(dev, "form-action")).toBe("form-action 'self' http://127.0.0.1:4010");
    expect(directive(dev, "script-src")).toContain("'unsafe-eval'");
  });
});

describe("request screening", () => {
  it("finds malformed percent-encoding", () => {
    expect(hasMalformedPercentEncoding("/t/%ZZ")).toBe(true);
    expect(hasMalformedPercentEncoding("/t/%E0%A4%A")).toBe(true);
    expect(hasMalformedPercentEncoding("/t/acme%20co")).toBe(false);
    expect(hasMalformedPercentEncoding("/t/acme")).toBe(false);
  });

  it("finds a server action posted from another site", () => {
    const req = (headers: Record<string, string>, method = "POST") => ({ method, headers: new Headers(headers) });
    expect(isCrossSiteServerAction(req({ "next-action": "abc", origin: "https://evil.example", host: "app.example" }))).toBe(true);
    expect(isCrossSiteServerAction(req({ "next-action": "abc", origin: "null", host: "app.example" }))).toBe(true);
    expect(isCrossSiteServerAction(req({ "next-action": "abc", origin: "https://app.example", host: "app.example" }))).toBe(false);
    expect(isCrossSiteServerAction(req({ origin: "https://evil.example", host: "app.example" }))).toBe(false);
    expect(isCrossSiteServerAction(req({ "next-action": "abc", origin: "https://evil.example", host: "app.example" }, "GET"))).toBe(false);
  });
});
