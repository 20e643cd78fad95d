/**
 * One demo per data folder: a pid file (created exclusively) says which process runs it and on which URL, so a
 * second `npm run demo` can say so instead of failing on a busy port. A pid file whose process is gone is stale.
 */
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { connect, createServer } from "node:net";

export interface RunningDemo {
  pid: number;
  url: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function read(file: string): RunningDemo | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<RunningDemo>;
    return typeof parsed.pid === "number" && typeof parsed.url === "string" ? { pid: parsed.pid, url: parsed.url } : undefined;
  } catch {
    return undefined;
  }
}

/** Claims the pid file, or returns the demo that already holds it. */
export function claim(file: string, me: RunningDemo): { ok: true } | { ok: false; running: RunningDemo } {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      return { ok: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const other = read(file);
      if (other && other.pid !== me.pid && alive(other.pid)) return { ok: false, running: other };
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`Could not create ${file}; delete it if no demo is running.`);
}

export function release(file: string): void {
  if (existsSync(file) && read(file)?.pid === process.pid) rmSync(file, { force: true });
}

/**
 * Whether 127.0.0.1:port is taken: something accepts connections on it, or it cannot be bound (for example an
 * outgoing connection holds it as its local port, which a connect test alone does not see).
 */
export async function portInUse(port: number): Promise<boolean> {
  return (await accepts(port)) || !(await bindable(port));
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.setTimeout(1000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(false));
  });
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
  });
}
