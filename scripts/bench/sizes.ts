/** A comma-separated list of sizes from an environment variable (e.g. BENCH_SIZES=1000,10000), else the default. */
export function sizesFromEnv(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (!raw) return fallback;
  const sizes = raw.split(",").map((s) => Number(s.trim().replaceAll("_", "")));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`${name} must be a comma-separated list of positive integers, e.g. 1000,10000`);
  return sizes;
}
