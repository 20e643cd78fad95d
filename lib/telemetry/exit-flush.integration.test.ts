import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOtlpReceiver, type OtlpReceiver } from "../../test/support/otlp-receiver";
import { generateKeySpec } from "../tokens/key-ring";

/**
 * SIGTERM / SIGINT on a traced process (test/support/exit-signal-process.ts, a real Node child exporting to a real
 * OTLP/HTTP receiver): the spans still batched (the batch processor would wait five seconds) reach the collector
 * before the process ends, and it ends as it would have without the flush: killed by the signal when nobody else
 * listens, with Next's own exit code when a `next start`-like listener owns the exit. A collector that never answers
 * does not keep the process alive (the flush wait is bounded, not the exporter's ten-minute timeout set here).
 */

let rx: OtlpReceiver;
let stuck: Server;
let stuckUrl: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  rx = await startOtlpReceiver();
  // Reads nothing and never answers.
  stuck = createServer(() => undefined);
  await new Promise<void>((resolve) => stuck.listen(0, "127.0.0.1", resolve));
  stuckUrl = `http://127.0.0.1:${(stuck.address() as AddressInfo).port}`;
});
afterAll(async () => {
  // A child that outlived a failed test.
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  stuck?.closeAllConnections();
  await new Promise<void>((resolve) => (stuck ? stuck.close(() => resolve()) : resolve()));
  await rx?.close();
});

interface Ended {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Starts the child, waits for "ready", sends `signal`, and resolves when it has ended. */
function runUntilSignal(signal: "SIGTERM" | "SIGINT", endpoint: string, args: string[] = []): Promise<Ended> {
  const child = spawn(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", path.join("test", "support", "exit-signal-process.ts"), ...args],
    {
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "production",
        DATABASE_URL: "postgresql://nobody@127.0.0.1:9/none",
        AUTH_SECRET: "exit-flush-test-secret-long-enough-0123456789",
        FACEBOOK_APP_ID: "1234567890",
        FACEBOOK_APP_SECRET: "exit-flush-app-secret",
        TOKEN_ENCRYPTION_KEYS: generateKeySpec("k1"),
        LOG_LEVEL: "silent",
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_SERVICE_NAME: "exit-flush-test",
        // The SDK's own waits, far beyond the test's time limit: only our bound can end a stuck flush.
        OTEL_EXPORTER_OTLP_TIMEOUT: "600000",
        OTEL_BSP_EXPORT_TIMEOUT: "600000",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(child);
  let out = "";
  let err = "";
  child.stderr.on("data", (c: Buffer) => (err += c.toString()));
  return new Promise<Ended>((resolve, reject) => {
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      if (out.includes("ready\n") && child.signalCode === null && child.exitCode === null) {
        out = "";
        child.kill(signal);
      }
    });
    child.on("error", reject);
    child.on("exit", (code, sig) => {
      if (code !== null && code !== 130 && code !== 143) reject(new Error(`child failed (${code}): ${err}`));
      else resolve({ pid: child.pid ?? 0, code, signal: sig });
    });
  });
}

const namesFrom = (pid: number) =>
  rx.spans
    .filter((s) => s.attributes["test.pid"] === pid)
    .map((s) => s.name)
    .sort();

describe("spans are flushed when the process is told to stop", () => {
  it("SIGTERM with nobody else listening: the span arrives, then the process dies of SIGTERM", async () => {
    const ended = await runUntilSignal("SIGTERM", rx.url);
    expect(ended).toMatchObject({ code: null, signal: "SIGTERM" });
    expect(namesFrom(ended.pid)).toEqual(["exit-test.before-signal"]);
    expect(rx.spans.find((s) => s.attributes["test.pid"] === ended.pid)?.service).toBe("exit-flush-test");
  });

  it("SIGTERM / SIGINT while a next start-like listener owns the exit: its exit code stands, and the spans ended before and after the signal arrive", async () => {
    const term = await runUntilSignal("SIGTERM", rx.url, ["--next-like"]);
    expect(term).toMatchObject({ code: 143, signal: null });
    expect(namesFrom(term.pid)).toEqual(["exit-test.before-signal", "exit-test.in-flight"]);
    const int = await runUntilSignal("SIGINT", rx.url, ["--next-like"]);
    expect(int).toMatchObject({ code: 130, signal: null });
    expect(namesFrom(int.pid)).toEqual(["exit-test.before-signal", "exit-test.in-flight"]);
  });

  it("a collector that never answers does not hold the exit: the signal still ends the process", async () => {
    const alone = await runUntilSignal("SIGTERM", stuckUrl, ["--timeout-ms=200"]);
    expect(alone).toMatchObject({ code: null, signal: "SIGTERM" });
    const nextLike = await runUntilSignal("SIGTERM", stuckUrl, ["--timeout-ms=200", "--next-like"]);
    expect(nextLike).toMatchObject({ code: 143, signal: null });
  });
});
