/**
 * Closed-loop load for the benchmarks: `concurrency` clients each send a request as soon as their previous one has
 * been answered, until `requests` requests have gone out (or `maxSeconds` have passed). Per answered request the
 * time to the response's headers and to its last byte; a request counts as an error when it fails, is not 2xx, or
 * `accept` refuses its body.
 */

export interface LoadRun {
  /** Milliseconds to the headers, sorted. */
  ttfb: number[];
  /** Milliseconds to the last byte of the body, sorted. */
  total: number[];
  errors: number;
  /** Answered requests per second over the whole run. */
  rps: number;
}

export async function runLoad(o: {
  concurrency: number;
  requests: number;
  maxSeconds?: number;
  /** The i-th request of the run. */
  send: (i: number) => Promise<Response>;
  accept?: (body: string) => boolean;
}): Promise<LoadRun> {
  const ttfb: number[] = [];
  const total: number[] = [];
  let errors = 0;
  let issued = 0;
  const t0 = performance.now();
  const stopAt = t0 + (o.maxSeconds ?? Infinity) * 1000;
  async function client() {
    while (issued < o.requests && performance.now() < stopAt) {
      const i = issued++;
      const s = performance.now();
      try {
        const res = await o.send(i);
        const head = performance.now();
        const body = await res.text();
        if (!res.ok || (o.accept && !o.accept(body))) errors++;
        ttfb.push(head - s);
        total.push(performance.now() - s);
      } catch {
        errors++;
      }
    }
  }
  await Promise.all(Array.from({ length: o.concurrency }, client));
  const seconds = (performance.now() - t0) / 1000;
  ttfb.sort((a, b) => a - b);
  total.sort((a, b) => a - b);
  return { ttfb, total, errors, rps: total.length / seconds };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}
