import "server-only";
import { BlockList, isIP } from "node:net";

/**
 * Which addresses a webhook may reach: public unicast only. Loopback is allowed only when the operator sets
 * WEBHOOK_ALLOW_INSECURE_URLS (local development and tests); private, link-local, metadata and other special
 * ranges are never allowed.
 */

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

const special = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT (incl. 100.100.100.200, a cloud metadata address)
  ["169.254.0.0", 16], // link-local (incl. 169.254.169.254, cloud metadata)
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const)
  special.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [
  ["::", 128], // unspecified
  ["64:ff9b::", 96], // NAT64 (embeds an IPv4 address)
  ["64:ff9b:1::", 48],
  ["100::", 64], // discard
  ["2001:db8::", 32], // documentation
  ["2002::", 16], // 6to4 (embeds an IPv4 address)
  ["fc00::", 7], // unique local (incl. fd00:ec2::254, cloud metadata)
  ["fe80::", 10], // link-local
  ["fec0::", 10], // old site-local
  ["ff00::", 8], // multicast
] as const)
  special.addSubnet(net, bits, "ipv6");

export type AddressVerdict = { ok: true } | { ok: false; why: string };

/** The IPv4 address inside an IPv4-mapped or -compatible IPv6 address (::ffff:a.b.c.d, ::a.b.c.d), if any. */
function embeddedV4(ip: string): string | null {
  const m = /^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (m) return m[1] as string;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip);
  if (hex) {
    const hi = parseInt(hex[1] as string, 16);
    const lo = parseInt(hex[2] as string, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return null;
}

export function checkAddress(ip: string, allowLoopback: boolean): AddressVerdict {
  const family = isIP(ip);
  if (family === 0) return { ok: false, why: `"${ip}" is not an IP address` };
  const v4 = family === 6 ? embeddedV4(ip) : ip;
  if (v4 && family === 6) return checkAddress(v4, allowLoopback);
  const type = family === 4 ? "ipv4" : "ipv6";
  if (loopback.check(ip, type)) {
    return allowLoopback ? { ok: true } : { ok: false, why: `${ip} is a loopback address` };
  }
  if (special.check(ip, type)) {
    const what =
      ip.startsWith("169.254.") || ip.toLowerCase().startsWith("fe80")
        ? "a link-local (cloud metadata) address"
        : "a private or reserved address";
    return { ok: false, why: `${ip} is ${what}` };
  }
  return { ok: true };
}
