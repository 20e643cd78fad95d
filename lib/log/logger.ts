import "server-only";

/**
 * Structured JSON logs, one line per event, with secrets redacted on the way out: values under keys that name
 * secrets, and anything shaped like a Facebook token, an app-secret proof or a bearer header, wherever it appears.
 * LOG_LEVEL is read directly (not through env()) so logging works even when the configuration is invalid.
 */

type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level | "silent", number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

// Keys whose values are secrets. "token" alone or as a suffix (accessToken, fb_exchange_token), not as a prefix,
// so tokenType / tokensSoftDeleted / userTokenId stay readable.
const SECRET_KEY =
  /(^|_|[a-z])(token|Token)$|secret|password|ciphertext|authorization|cookie|proof|code_verifier|^code$|signed_request|^state$|^expected$/i;
const SECRET_VALUE: [RegExp, string][] = [
  [/EAA[A-Za-z0-9_-]{16,}/g, "[REDACTED]"], // Facebook user/page tokens
  [/stk_live_[A-Za-z0-9]{4,}/g, "[REDACTED]"], // our API keys (also as a Bearer header value)
  // A credential has a digit or punctuation in it: "OAuth Provider returned an error" stays readable.
  [/\b(Bearer|OAuth)\s+(?=[A-Za-z0-9._~+/=-]*[0-9._~+/=-])[A-Za-z0-9._~+/=-]{8,}/gi, "[REDACTED]"],
  // Query strings, e.g. an OAuth callback URL in the dev server's request log (code and state).
  [/(access_token|client_secret|fb_exchange_token|input_token|appsecret_proof|code|code_verifier|state)=([^&\s"']+)/gi, "$1=[REDACTED]"],
  // A JSON body quoted in a message: "access_token":"…", "client_secret":"…" (also with escaped quotes).
  [/(\\?")([A-Za-z_]*(?:token|secret|proof)|code|code_verifier|signed_request)\\?"\s*:\s*\\?"[^"\\]*\\?"/gi, "$1$2$1:$1[REDACTED]$1"],
  [/\b\d{6,}\|[A-Za-z0-9_-]{8,}/g, "[REDACTED]"], // app access tokens (app_id|app_secret)
];

/** True for a field name whose value is a secret (the logger and the trace exporter drop such values). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

export function redactString(s: string): string {
  let out = s;
  for (const [re, replacement] of SECRET_VALUE) out = out.replace(re, replacement);
  return out;
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return "[…]";
  if (typeof value === "string") return redactString(value);
  if (value instanceof Error) {
    const cause = (value as Error & { cause?: unknown }).cause;
    return { name: value.name, message: redactString(value.message), ...(cause !== undefined ? { cause: redact(cause, depth + 1) } : {}) };
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? "[REDACTED]" : redact(v, depth + 1);
    return out;
  }
  return value;
}

export type LogSink = (line: string) => void;
let sink: LogSink = (line) => process.stdout.write(`${line}\n`);

/** Tests capture log lines with this (and restore the default with setLogSink(null)). */
export function setLogSink(next: LogSink | null): void {
  sink = next ?? ((line) => process.stdout.write(`${line}\n`));
}

function write(level: Level, event: string, fields: Record<string, unknown> = {}): void {
  const min = ORDER[(process.env.LOG_LEVEL as Level | "silent" | undefined) ?? "info"] ?? ORDER.info;
  if (ORDER[level] < min) return;
  sink(JSON.stringify({ time: new Date().toISOString(), level, event: redactString(event), ...(redact(fields) as object) }));
}

export const logger = {
  debug: (event: string, fields?: Record<string, unknown>) => write("debug", event, fields),
  info: (event: string, fields?: Record<string, unknown>) => write("info", event, fields),
  warn: (event: string, fields?: Record<string, unknown>) => write("warn", event, fields),
  error: (event: string, fields?: Record<string, unknown>) => write("error", event, fields),
};
