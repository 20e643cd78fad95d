/** `--name=N` from the command line as a positive integer; exits with code 2 and a message when malformed. */
export function intArg(name: string): number | undefined {
  const raw = process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer (got "${raw}")`);
    process.exit(2);
  }
  return n;
}

/** `--name` present on the command line. */
export function flagArg(name: string): boolean {
  return process.argv.includes(`--${name}`);
}
