/** Small node:http helpers: body parsing and responses. */
import type { IncomingMessage, ServerResponse } from "node:http";

const MAX_BODY = 20 * 1024 * 1024;

export class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, "Request body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Top-level JSON object fields as string params (non-strings are JSON-encoded). */
export function jsonToParams(value: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!isRecord(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    out.set(k, typeof v === "string" ? v : JSON.stringify(v));
  }
  return out;
}

export function formToParams(form: URLSearchParams): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of form) out.set(k, v);
  return out;
}

/** Parse a request body as JSON (when declared or when it looks like JSON) or as form-urlencoded. */
export function bodyParams(raw: string, contentType: string | undefined): Map<string, string> {
  const trimmed = raw.trim();
  if (trimmed === "") return new Map();
  const ct = (contentType ?? "").toLowerCase();
  if (ct.includes("json") || trimmed.startsWith("{")) {
    try {
      return jsonToParams(JSON.parse(trimmed));
    } catch {
      if (ct.includes("json")) throw new HttpError(400, "Malformed JSON body");
    }
  }
  return formToParams(new URLSearchParams(raw));
}

export function parseJsonBody(raw: string): Record<string, unknown> {
  if (raw.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new HttpError(400, "Body must be JSON");
  }
  if (!isRecord(value)) throw new HttpError(400, "Body must be a JSON object");
  return value;
}

export function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  res.writeHead(status, { ...headers, "Content-Length": String(Buffer.byteLength(body)) });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), { "Content-Type": "application/json; charset=utf-8" });
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  send(res, status, html, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { Location: location, "Content-Length": "0", "Cache-Control": "no-store" });
  res.end();
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}
