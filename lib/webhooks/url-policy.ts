import "server-only";
import { lookup as dnsLookup } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { checkAddress } from "./address-policy";

/**
 * Server-side request forgery guard for webhook URLs. Two checks: when an endpoint is saved (and before each
 * delivery) the URL must be https (http only with WEBHOOK_ALLOW_INSECURE_URLS) and every address its host resolves
 * to must be public; and at connect time the socket's lookup resolves again and connects only to an address that
 * passes, pinned for that connection — so a DNS answer that changes in between (rebinding) cannot reach inside.
 */

export interface UrlPolicy {
  /** http:// and loopback addresses allowed (local development and tests only). */
  allowInsecure: boolean;
  /** Injectable resolver (tests); default: the system resolver (dns.lookup, all addresses). */
  resolve?: (hostname: string) => Promise<string[]>;
}

export type UrlVerdict = { ok: true; url: URL } | { ok: false; message: string };

export const MAX_URL_LENGTH = 2_000;

export function systemResolve(hostname: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses.map((a) => a.address))));
  });
}

function hostOf(url: URL): string {
  // URL keeps IPv6 literals in brackets.
  return url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
}

/** Syntax and scheme only (no DNS): what can be said about a URL without resolving it. */
export function parseWebhookUrl(raw: string, policy: Pick<UrlPolicy, "allowInsecure">): UrlVerdict {
  if (raw.length > MAX_URL_LENGTH) return { ok: false, message: `The URL is longer than ${MAX_URL_LENGTH} characters.` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: "That is not a URL: give a full address such as https://hooks.example.com/social-tokens." };
  }
  if (url.protocol !== "https:" && !(policy.allowInsecure && url.protocol === "http:")) {
    return { ok: false, message: `Webhook URLs must use https:// (got ${url.protocol}//).` };
  }
  if (url.username || url.password) {
    return { ok: false, message: "Put no user name or password in the URL; verify our signature instead." };
  }
  if (url.hash) return { ok: false, message: "Remove the #fragment from the URL." };
  return { ok: true, url };
}

/** Full check: syntax, scheme, and every resolved address public. */
export async function checkWebhookUrl(raw: string, policy: UrlPolicy): Promise<UrlVerdict> {
  const parsed = parseWebhookUrl(raw, policy);
  if (!parsed.ok) return parsed;
  const host = hostOf(parsed.url);
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = await (policy.resolve ?? systemResolve)(host);
    } catch {
      return { ok: false, message: `The host ${host} could not be resolved.` };
    }
    if (addresses.length === 0) return { ok: false, message: `The host ${host} has no address.` };
  }
  for (const a of addresses) {
    const v = checkAddress(a, policy.allowInsecure);
    if (!v.ok) return { ok: false, message: `Refused: ${host} resolves to ${v.why}; webhooks may only reach public addresses.` };
  }
  return parsed;
}

export class ForbiddenAddressError extends Error {
  readonly code = "EWEBHOOKFORBIDDEN";
}

/**
 * A socket lookup for http(s).request: resolves the host now, refuses the connection unless every address is
 * allowed, and hands the socket exactly the address it checked (pinned: no second resolution happens).
 */
export function guardedLookup(policy: UrlPolicy): LookupFunction {
  return (hostname, options, callback) => {
    const resolve = policy.resolve ?? systemResolve;
    resolve(hostname).then(
      (addresses) => {
        const verdicts = addresses.map((a) => ({ a, v: checkAddress(a, policy.allowInsecure) }));
        const bad = verdicts.find((x) => !x.v.ok);
        const first = verdicts[0];
        if (bad || !first) {
          const why = bad && !bad.v.ok ? bad.v.why : "no address";
          callback(new ForbiddenAddressError(`Refused at connect time: ${hostname} resolves to ${why}.`), "", 4);
          return;
        }
        const family = isIP(first.a);
        if (options.all) callback(null, [{ address: first.a, family }]);
        else callback(null, first.a, family);
      },
      (err: NodeJS.ErrnoException) => callback(err, "", 4),
    );
  };
}

export { hostOf };
