import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * PgBouncer (Debian's `pgbouncer`, `apt-get install -y pgbouncer`) in transaction mode in front of the test
 * PostgreSQL on 127.0.0.1:5432, started by the test: as production runs behind a pooler. Returns a URL builder.
 */

export const PGBOUNCER_BIN = process.env.PGBOUNCER_BIN ?? "/usr/sbin/pgbouncer";

export interface RunningPgBouncer {
  port: number;
  /** The same URL, through the pooler. */
  via(url: string): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function systemUser(): { uid: number; gid: number } {
  const lines = readFileSync("/etc/passwd", "utf8").split("\n");
  for (const name of ["postgres", "nobody"]) {
    const f = lines.find((l) => l.startsWith(`${name}:`))?.split(":");
    if (f) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  throw new Error("no unprivileged user to run pgbouncer as (it refuses root)");
}

export async function startPgBouncer(users: { name: string; password: string }[]): Promise<RunningPgBouncer> {
  const dir = mkdtempSync(path.join(tmpdir(), "pgbouncer-"));
  const port = await freePort();
  writeFileSync(path.join(dir, "users.txt"), users.map((u) => `"${u.name}" "${u.password}"`).join("\n") + "\n");
  writeFileSync(
    path.join(dir, "pgbouncer.ini"),
    [
      "[databases]",
      "* = host=127.0.0.1 port=5432",
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      `unix_socket_dir = ${dir}`,
      "auth_type = trust",
      `auth_file = ${path.join(dir, "users.txt")}`,
      "pool_mode = transaction",
      "max_client_conn = 500",
      "default_pool_size = 8",
      "ignore_startup_parameters = extra_float_digits,options",
      `logfile = ${path.join(dir, "pgbouncer.log")}`,
      `pidfile = ${path.join(dir, "pgbouncer.pid")}`,
    ].join("\n") + "\n",
  );
  // PgBouncer refuses to run as root: as root, run it as the "postgres" (or "nobody") system user.
  const ids = process.getuid?.() === 0 ? systemUser() : null;
  if (ids) {
    chmodSync(dir, 0o755);
    for (const f of ["", "users.txt", "pgbouncer.ini"]) chownSync(path.join(dir, f), ids.uid, ids.gid);
  }
  const child: ChildProcess = spawn(PGBOUNCER_BIN, [path.join(dir, "pgbouncer.ini")], { stdio: "ignore", ...(ids ?? {}) });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => {
        s.end();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (up) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`pgbouncer did not start (see ${dir}/pgbouncer.log)`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    via(url) {
      const u = new URL(url);
      u.hostname = "127.0.0.1";
      u.port = String(port);
      return u.toString();
    },
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 200));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
