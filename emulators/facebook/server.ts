/** Facebook Login + Graph API emulator: one node:http server for the dialog, the Graph API and /__control. */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { EmulatorContext } from "./context.js";
import { handleControl } from "./control.js";
import { renderErrorPage } from "./dialog-html.js";
import { GraphError, errorResult } from "./errors.js";
import { dispatchGraph, normalizeRest, splitVersion, usageHeaders } from "./dispatch.js";
import { HttpError, bodyParams, escapeHtml, parseJsonBody, readBody, send, sendHtml, sendJson } from "./http-util.js";
import { handleDecide, handleDialog } from "./oauth.js";
import { loadState, saveState } from "./persist.js";
import { EmulatorState } from "./state.js";
import type { GraphRequest, GraphResult } from "./types.js";
import { listen } from "../shared/listen.js";

export interface EmulatorOptions {
  /** 0 = random. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  appId: string;
  appSecret: string;
  /** Default "v24.0". */
  apiVersion?: string;
  /** Default false. */
  requireAppsecretProof?: boolean;
  /** Default 10 minutes. */
  codeTtlMs?: number;
  /**
   * Keep the state (people, Pages, issued tokens, unused codes, clock) in this JSON file: loaded at start, saved
   * atomically after every request that may change it and on close. Default: in memory only (tests).
   */
  stateFile?: string;
}

export interface RunningEmulator {
  /** e.g. http://127.0.0.1:4010 */
  url: string;
  close(): Promise<void>;
}

const COLORS = ["#1877f2", "#42b72a", "#f02849", "#f7b928", "#8c49d6", "#0fa5a5"];

/** Initials of a person's or Page's name ("Alpha Bakery" → "AB"), "?" when the id is unknown. */
function initialsOf(state: EmulatorState, id: string): string {
  const person = state.people.get(id);
  const name = person?.name ?? [...state.people.values()].flatMap((p) => p.pages).find((p) => p.id === id)?.name ?? "?";
  const words = name.split(/\s+/).filter((w) => /^[\p{L}]/u.test(w));
  return (
    words
      .slice(0, 2)
      .map((w) => [...w][0]?.toUpperCase())
      .join("") || "?"
  );
}

function pictureSvg(id: string, initials: string): string {
  const n = [...id].reduce((a, c) => a + c.charCodeAt(0), 0);
  const color = COLORS[n % COLORS.length] ?? "#1877f2";
  const label = escapeHtml(initials);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="50" height="50" viewBox="0 0 50 50">` +
    `<rect width="50" height="50" rx="8" fill="${color}"/>` +
    `<text x="25" y="31" font-family="sans-serif" font-size="16" fill="#fff" text-anchor="middle">${label}</text></svg>`
  );
}

function baseUrlOf(req: IncomingMessage, fallback: string): string {
  const host = req.headers.host;
  return host === undefined || host === "" ? fallback : `http://${host}`;
}

function writeGraph(ctx: EmulatorContext, res: ServerResponse, result: GraphResult): void {
  if (res.destroyed || res.writableEnded) return;
  send(res, result.status, result.body, {
    "Content-Type": result.contentType,
    ...usageHeaders(ctx),
    "x-fb-trace-id": "AEmu" + String(Date.now() % 1e6),
  });
}

function countGraph(ctx: EmulatorContext, path: string): void {
  const stats = ctx.state.stats;
  stats.graphRequests++;
  stats.byPath[path] = (stats.byPath[path] ?? 0) + 1;
}

async function handleGraph(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  rest: string,
  signal: AbortSignal,
  fallbackBase: string,
): Promise<void> {
  const path = normalizeRest(rest);
  countGraph(ctx, path);
  const raw = req.method === "GET" || req.method === "HEAD" ? "" : await readBody(req);
  const params = new Map<string, string>();
  for (const [k, v] of url.searchParams) params.set(k, v);
  for (const [k, v] of bodyParams(raw, req.headers["content-type"])) params.set(k, v);
  const override = params.get("method");
  const greq: GraphRequest = {
    method: (override ?? req.method ?? "GET").toUpperCase(),
    path,
    params,
    authorization: req.headers.authorization,
    baseUrl: baseUrlOf(req, fallbackBase),
    isBatchSub: false,
    proofVerified: false,
  };
  writeGraph(ctx, res, await dispatchGraph(ctx, greq, signal));
}

async function handleControlHttp(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  const body = method === "GET" ? {} : parseJsonBody(await readBody(req));
  const path = url.pathname.slice("/__control".length) || "/";
  const result = handleControl(ctx, method, normalizeRest(path), url.searchParams, body);
  sendJson(res, result.status, result.body);
}

async function handle(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
  fallbackBase: string,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://emulator.invalid");
  const pathname = url.pathname;
  if (pathname === "/__control" || pathname.startsWith("/__control/")) return handleControlHttp(ctx, req, res, url);
  const pic = /^\/pictures\/([A-Za-z0-9_-]+)\.svg$/.exec(pathname);
  if (pic?.[1] !== undefined) {
    send(res, 200, pictureSvg(pic[1], initialsOf(ctx.state, pic[1])), {
      "Content-Type": "image/svg+xml",
      "Cache-Control": "public, max-age=3600",
    });
    return;
  }
  if (pathname === "/favicon.ico") {
    send(res, 404, "", {});
    return;
  }
  const { version, rest } = splitVersion(pathname);
  const isDialog = rest === "/dialog/oauth" || rest === "/dialog/oauth/decide";
  if (version !== undefined && version !== ctx.config.apiVersion) {
    const message = `Unknown API version ${version}; this emulator serves ${ctx.config.apiVersion}`;
    if (isDialog) sendHtml(res, 400, renderErrorPage(message));
    else {
      countGraph(ctx, pathname);
      writeGraph(ctx, res, errorResult(new GraphError(2635, message)));
    }
    return;
  }
  if (rest === "/dialog/oauth" && req.method === "GET") return handleDialog(ctx, url.searchParams, res);
  if (rest === "/dialog/oauth/decide" && req.method === "POST") {
    return handleDecide(ctx, new URLSearchParams(await readBody(req)), res);
  }
  return handleGraph(ctx, req, res, url, rest, signal, fallbackBase);
}

function sendFailure(res: ServerResponse, err: unknown): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  if (err instanceof HttpError) sendJson(res, err.status, { error: err.message });
  else sendJson(res, 500, { error: err instanceof Error ? err.message : String(err) });
}

export async function startFacebookEmulator(opts: EmulatorOptions): Promise<RunningEmulator> {
  const ctx: EmulatorContext = {
    config: {
      appId: opts.appId,
      appSecret: opts.appSecret,
      apiVersion: opts.apiVersion ?? "v24.0",
      requireAppsecretProof: opts.requireAppsecretProof ?? false,
      codeTtlMs: opts.codeTtlMs ?? 10 * 60 * 1000,
    },
    state: new EmulatorState(),
  };
  const stateFile = opts.stateFile;
  if (stateFile !== undefined) loadState(ctx.state, stateFile);
  let saveTimer: NodeJS.Timeout | undefined;
  const saveSoon = () => {
    if (stateFile === undefined || saveTimer !== undefined) return;
    saveTimer = setTimeout(() => {
      saveTimer = undefined;
      saveState(ctx.state, stateFile);
    }, 50);
  };
  const host = opts.host ?? "127.0.0.1";
  const shutdown = new AbortController();
  let baseUrl = "";
  const server = createServer((req, res) => {
    const perRequest = new AbortController();
    res.on("close", () => {
      perRequest.abort();
      // Graph GETs change state too (/me/accounts hands out Page tokens): save after anything but a picture.
      if (!req.url?.startsWith("/pictures/")) saveSoon();
    });
    const signal = AbortSignal.any([shutdown.signal, perRequest.signal]);
    handle(ctx, req, res, signal, baseUrl).catch((err: unknown) => sendFailure(res, err));
  });
  baseUrl = await listen(server, opts.port ?? 0, host);
  return {
    url: baseUrl,
    close: () =>
      new Promise<void>((resolve, reject) => {
        shutdown.abort();
        clearTimeout(saveTimer);
        if (stateFile !== undefined) saveState(ctx.state, stateFile);
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
