/**
 * The benchmarks' app server: `next start` of the production build on a free port, against a benchmark database,
 * with Facebook pointed at a closed local port (nothing leaves the machine). Stopped by the benchmark, also on
 * failure.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { generateKeySpec } from "../../lib/tokens/key-ring";

export const BENCH_AUTH_SECRET = "bench-auth-secret-that-is-long-enough-0123456789";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function startServer(port: number, env: Record<string, string>): Promise<{ child: ChildProcess; log: string[] }> {
  const log: string[] = [];
  // BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the server under load.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(
    process.execPath,
    [...nodeArgs, path.join("node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port)],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    },
  );
  const keep = (b: Buffer) => {
    log.push(b.toString());
    if (log.length > 200) log.shift();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${log.join("")}`);
    try {
      const res = await fetch(`http://localhost:${port}/api/health`);
      if (res.ok) return { child, log };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`next start did not answer in 60 s:\n${log.join("")}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

/** The app on a free port against databaseUrl; `env` adds to or overrides the defaults (e.g. TOKEN_ENCRYPTION_KEYS). */
export async function startBenchApp(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; log: string[]; base: string }> {
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const started = await startServer(port, {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_MAX: "10",
    AUTH_SECRET: BENCH_AUTH_SECRET,
    AUTH_URL: base,
    FACEBOOK_APP_ID: "1234567890",
    FACEBOOK_APP_SECRET: "bench-app-secret-not-used",
    FACEBOOK_GRAPH_URL: "http://127.0.0.1:9",
    FACEBOOK_DIALOG_URL: "http://127.0.0.1:9",
    TOKEN_ENCRYPTION_KEYS: generateKeySpec("bench1"),
    LOG_LEVEL: "warn",
    ...env,
  });
  return { ...started, base };
}
