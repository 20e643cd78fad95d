/** Time arithmetic shared by server and browser code (no server-only: components format with it too). */

export const DAY_MS = 86_400_000;

/** Whole days from nowMs until atMs, rounded up (0 = later today or already past). */
export function daysUntil(atMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil((atMs - nowMs) / DAY_MS));
}
