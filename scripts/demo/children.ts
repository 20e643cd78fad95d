/**
 * Child processes of the demo (next build / start / dev), each in its own process group so that stopping the demo
 * ends the whole tree (next dev forks workers), and with every output line passed through the log redactor: the
 * dev server prints request URLs, and OAuth callbacks carry `code=` and `state=`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { redactString } from "../../lib/log/logger";

const children = new Set<ChildProcess>();

function pipeRedacted(from: NodeJS.ReadableStream | null, to: NodeJS.WriteStream): void {
  if (!from) return;
  createInterface({ input: from, crlfDelay: Infinity }).on("line", (line) => to.write(`${redactString(line)}\n`));
}

export function spawnChild(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, args, {
    env: { ...env, ...(process.stdout.isTTY ? { FORCE_COLOR: "1" } : {}) },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  children.add(child);
  child.on("exit", () => {
    children.delete(child);
    // The group leader is gone; take any worker it left behind with it.
    signalGroup(child, "SIGKILL");
  });
  pipeRedacted(child.stdout, process.stdout);
  pipeRedacted(child.stderr, process.stderr);
  return child;
}

/** Signals the child's whole process group (it leads one: spawned detached), even after the leader exited. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone
  }
}

/** Ends every child: SIGTERM to each process group, SIGKILL to what is still there after graceMs. */
export async function stopChildren(graceMs = 8000): Promise<void> {
  const running = [...children];
  await Promise.all(
    running.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => signalGroup(child, "SIGKILL"), graceMs);
          child.once("exit", () => {
            clearTimeout(timer);
            resolve();
          });
          signalGroup(child, "SIGTERM");
        }),
    ),
  );
}

/** Last resort on exit (synchronous): kill whatever group is still alive. */
export function killChildrenNow(): void {
  for (const child of children) signalGroup(child, "SIGKILL");
}

/** Resolves with the exit code when the child ends (1 when killed by a signal). */
export function exitOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code ?? 1)));
}
