import { afterEach, describe, expect, it } from "vitest";
import { onRequestError } from "@/instrumentation";
import { setLogSink } from "./logger";

/**
 * Security finding: unexpected errors must go through the redacting logger, never Next's bare output. Route handlers
 * have the wrapper's catch-all; pages and server actions reach instrumentation.ts's onRequestError, tested here for
 * each kind Next reports ("render" for pages, "action" for server actions, "route" for route handlers).
 */
afterEach(() => setLogSink(null));

describe("onRequestError", () => {
  for (const routeType of ["render", "action", "route"] as const) {
    it(`logs a ${routeType} error once, redacted, without the query string`, async () => {
      process.env.NEXT_RUNTIME = "nodejs";
      const lines: string[] = [];
      setLogSink((line) => lines.push(line));
      const error = Object.assign(new Error("boom with Bearer abc.def-ghi_jkl inside"), { digest: "123" });
      await onRequestError(
        error,
        {
          path: "/t/acme?code=secret-code&state=s",
          method: routeType === "render" ? "GET" : "POST",
          headers: { cookie: "authjs.session-token=zzz" },
        },
        { routerKind: "App Router", routePath: "/t/[slug]", routeType, renderSource: undefined, revalidateReason: undefined },
      );
      expect(lines).toHaveLength(1);
      const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
      expect(entry).toMatchObject({ event: "next.request_error", routeType, path: "/t/acme", route: "/t/[slug]", digest: "123" });
      expect(lines[0]).not.toContain("abc.def-ghi_jkl");
      expect(lines[0]).not.toContain("secret-code");
      expect(lines[0]).not.toContain("zzz");
    });
  }

  it("leaves redirect() and notFound() alone (they are answers, not failures)", async () => {
    process.env.NEXT_RUNTIME = "nodejs";
    const lines: string[] = [];
    setLogSink((line) => lines.push(line));
    for (const digest of ["NEXT_REDIRECT;replace;/;307;", "NEXT_HTTP_ERROR_FALLBACK;404"]) {
      await onRequestError(
        Object.assign(new Error("nav"), { digest }),
        { path: "/", method: "GET", headers: {} },
        { routerKind: "App Router", routePath: "/", routeType: "render", renderSource: undefined, revalidateReason: undefined },
      );
    }
    expect(lines).toEqual([]);
  });
});
