/**
 * Does a 401 say anything through its timing? The token hand-out is called, one request at a time, with each kind of
 * key it must refuse (revoked, expired, malformed, truncated, another secret under a live key's shown prefix, an
 * unknown well-formed key, no key at all). The kinds take turns in a shuffled order each round, so drift in the
 * machine's load spreads over all of them. Next to them runs a control: as many series of the *same* kind (fresh
 * unknown keys) as there are kinds, whose spread is what this machine's noise alone produces. A spread between kinds no
 * larger than the control's is no difference worth measuring. (No header at all is answered before any lookup and is
 * shown apart: whether a request carries a key is no secret.) Prints figures; asserts nothing.
 */
import { percentile } from "./load";

export type Presented = Record<string, string | null>;

const ROUNDS = 400;

export async function measureRefusals(url: string, kinds: Presented, unknownKey: () => string): Promise<Record<string, number | string>> {
  const series: Record<string, number[]> = {};
  const compared = Object.keys(kinds).filter((k) => kinds[k] !== null);
  const controls = compared.map((_, i) => `control ${i + 1} (a fresh unknown key)`);
  const all: [string, () => string | null][] = [
    ...Object.entries(kinds).map(([name, key]): [string, () => string | null] => [name, () => key]),
    ...controls.map((name): [string, () => string | null] => [name, unknownKey]),
  ];
  for (const [name] of all) series[name] = [];
  let wrongAnswers = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, keyOf] of shuffle(all)) {
      const key = keyOf();
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (key !== null) headers.authorization = `Bearer ${key}`;
      const s = performance.now();
      const res = await fetch(url, { method: "POST", headers, body: "{}" });
      await res.arrayBuffer();
      const ms = performance.now() - s;
      if (res.status !== 401) wrongAnswers++;
      if (round >= 20) series[name]!.push(ms); // the first rounds warm up
    }
  }
  const p50: Record<string, number> = {};
  const figures: Record<string, number | string> = { "requests per kind (one at a time, shuffled turns)": ROUNDS - 20 };
  for (const [name, times] of Object.entries(series)) {
    times.sort((a, b) => a - b);
    p50[name] = percentile(times, 50);
    figures[`401 p50 / p99 ms: ${name}`] = `${percentile(times, 50).toFixed(3)} / ${percentile(times, 99).toFixed(3)}`;
  }
  const spread = (names: string[]) => Math.max(...names.map((n) => p50[n]!)) - Math.min(...names.map((n) => p50[n]!));
  figures[`p50 spread between the ${compared.length} key kinds, ms`] = spread(compared);
  figures[`p50 spread between ${controls.length} series of one kind (noise), ms`] = spread(controls);
  figures["answers other than 401"] = wrongAnswers;
  return figures;
}

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
