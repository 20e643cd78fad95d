/**
 * Dates and numbers for people, formatted the same on the server and in every browser: UTC, English month names
 * written out here rather than through Intl (engines ship different locale data, e.g. "Sep" or "Sept" for en-GB,
 * and a client row formatted differently from its server HTML is a hydration mismatch), relative "ago" times
 * measured from the server's nowMs (never the browser's clock).
 */
import { daysUntil as daysBetween } from "@/lib/time";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const two = (n: number) => String(n).padStart(2, "0");

/** 1234567 → "1,234,567". */
export function formatNumber(n: number): string {
  const [int = "", frac] = String(n).split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/** "29 Nov 2026" (UTC), "—" for none. */
export function formatDate(iso: string | null): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** "29 Nov 2026, 14:05 UTC", "—" for none. */
export function formatDateTime(iso: string | null): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return `${formatDate(iso)}, ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`;
}

/** Whole days from now until iso, rounded up (0 = later today or already past). */
export function daysUntil(iso: string, nowMs: number): number {
  return daysBetween(new Date(iso).getTime(), nowMs);
}

export function timeAgo(iso: string | null, nowMs: number): string {
  if (!iso) return "never";
  const s = Math.max(0, Math.round((nowMs - new Date(iso).getTime()) / 1000));
  if (s < 60) return "just now";
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  if (d < 60) return `${d} day${d === 1 ? "" : "s"} ago`;
  return formatDate(iso);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}
