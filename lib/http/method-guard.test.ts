import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { installMethodGuard } from "./method-guard";

/** Security finding: TRACE answered 500 from Next itself. The guard answers 405 with Allow; other methods pass. */
let server: http.Server;
let port = 0;

beforeAll(async () => {
  installMethodGuard();
  server = http.createServer((_req, res) => res.end("app"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

function send(method: string): Promise<{ status: number; allow?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path: "/" }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, allow: res.headers.allow, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("method guard", () => {
  it("answers TRACE 405 with Allow and the one error format, before the app", async () => {
    for (const method of ["TRACE"]) {
      const res = await send(method);
      expect(res.status).toBe(405);
      expect(res.allow).toBe("GET, HEAD, POST, OPTIONS");
      expect(JSON.parse(res.body)).toEqual({ error: { code: "method_not_allowed", message: expect.stringContaining(method) } });
    }
  });

  it("lets GET and POST through to the app", async () => {
    expect(await send("GET")).toMatchObject({ status: 200, body: "app" });
    expect(await send("POST")).toMatchObject({ status: 200, body: "app" });
  });
});
