import net from "node:net";

/**
 * Guards a test process against sending a packet anywhere but this machine's loopback: every TCP connect is
 * inspected before it happens, and one to any other address is refused (the socket errors, no SYN is sent) and
 * recorded, so a test can assert that nothing tried. Hostnames are refused too unless they are "localhost": code
 * under test resolves names itself (pinned lookup) and hands the socket an address.
 */

export interface OutboundGuard {
  /** Connect attempts refused (host:port), in order. */
  refused: string[];
  uninstall(): void;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost", "::ffff:127.0.0.1"]);

type ConnectArgs = Parameters<net.Socket["connect"]>;

export function installOutboundGuard(): OutboundGuard {
  const original = net.Socket.prototype.connect;
  const refused: string[] = [];
  function guarded(this: net.Socket, ...args: unknown[]): net.Socket {
    const first = args[0];
    let host: string | undefined;
    let port: unknown;
    let path: string | undefined;
    let hasLookup = false;
    if (Array.isArray(first)) {
      // Node's internal normalized form: [options, callback].
      const opts = first[0] as { host?: string; port?: number; path?: string; lookup?: unknown };
      host = opts?.host;
      port = opts?.port;
      path = opts?.path;
      hasLookup = typeof opts?.lookup === "function";
    } else if (first && typeof first === "object") {
      const opts = first as { host?: string; port?: number; path?: string; lookup?: unknown };
      host = opts.host;
      port = opts.port;
      path = opts.path;
      hasLookup = typeof opts.lookup === "function";
    } else if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
      port = first;
      host = typeof args[1] === "string" ? (args[1] as string) : "localhost";
    } else if (typeof first === "string") {
      path = first;
    }
    if (path !== undefined) return original.apply(this, args as unknown as ConnectArgs);
    const h = host ?? "localhost";
    // A custom lookup (the code under test's pinned resolver) decides the address; the socket then connects to
    // what it returned, which we check on the "lookup" event before the connect happens.
    if (hasLookup && net.isIP(h) === 0) {
      this.once("lookup", (err: Error | null, address: string) => {
        if (!err && !LOOPBACK.has(address)) {
          refused.push(`${address}:${String(port)}`);
          this.destroy(new Error(`outbound guard: refused a connection to ${address}:${String(port)} (only loopback is allowed in tests)`));
        }
      });
      return original.apply(this, args as unknown as ConnectArgs);
    }
    if (!LOOPBACK.has(h)) {
      refused.push(`${h}:${String(port)}`);
      process.nextTick(() =>
        this.destroy(new Error(`outbound guard: refused a connection to ${h}:${String(port)} (only loopback is allowed in tests)`)),
      );
      return this;
    }
    return original.apply(this, args as unknown as ConnectArgs);
  }
  net.Socket.prototype.connect = guarded as typeof original;
  return {
    refused,
    uninstall() {
      net.Socket.prototype.connect = original;
    },
  };
}
