import { describe, expect, it } from "vitest";
import { checkAddress } from "./address-policy";
import { parseWebhookUrl } from "./url-policy";

describe("webhook address policy", () => {
  const refused = [
    ["127.0.0.1", /loopback/],
    ["127.8.9.10", /loopback/],
    ["::1", /loopback/],
    ["::ffff:127.0.0.1", /loopback/],
    ["169.254.169.254", /link-local \(cloud metadata\)/],
    ["::ffff:169.254.169.254", /link-local/],
    ["::ffff:a9fe:a9fe", /link-local/],
    ["fe80::1", /link-local/],
    ["fd00:ec2::254", /private or reserved/],
    ["10.0.0.1", /private or reserved/],
    ["172.16.5.4", /private or reserved/],
    ["192.168.1.1", /private or reserved/],
    ["100.100.100.200", /private or reserved/],
    ["0.0.0.0", /private or reserved/],
    ["::", /private or reserved/],
    ["224.0.0.1", /private or reserved/],
    ["255.255.255.255", /private or reserved/],
    ["64:ff9b::a00:1", /private or reserved/],
  ] as const;
  for (const [ip, why] of refused) {
    it(`refuses ${ip}`, () => {
      const v = checkAddress(ip, false);
      expect(v.ok).toBe(false);
      if (!v.ok) expect(v.why).toMatch(why);
    });
  }

  it("allows public addresses, and loopback only when insecure URLs are allowed (never private or metadata)", () => {
    expect(checkAddress("93.184.216.34", false)).toEqual({ ok: true });
    expect(checkAddress("2606:2800:220:1:248:1893:25c8:1946", false)).toEqual({ ok: true });
    expect(checkAddress("127.0.0.1", true)).toEqual({ ok: true });
    expect(checkAddress("::1", true)).toEqual({ ok: true });
    expect(checkAddress("10.0.0.1", true).ok).toBe(false);
    expect(checkAddress("169.254.169.254", true).ok).toBe(false);
  });

  it("URL syntax: https only (http with the flag), no credentials, no fragment, bounded length", () => {
    expect(parseWebhookUrl("http://example.com/x", { allowInsecure: false })).toMatchObject({ ok: false, message: /https/ });
    expect(parseWebhookUrl("http://example.com/x", { allowInsecure: true }).ok).toBe(true);
    expect(parseWebhookUrl("https://a:b@example.com/", { allowInsecure: false })).toMatchObject({
      ok: false,
      message: /user name or password/,
    });
    expect(parseWebhookUrl("https://example.com/#x", { allowInsecure: false })).toMatchObject({ ok: false, message: /fragment/ });
    expect(parseWebhookUrl(`https://example.com/${"a".repeat(2100)}`, { allowInsecure: false })).toMatchObject({
      ok: false,
      message: /longer/,
    });
    expect(parseWebhookUrl("not a url", { allowInsecure: false })).toMatchObject({ ok: false, message: /not a URL/ });
  });
});
