import Link from "next/link";
import type { ReactNode } from "react";
import { buttonClass } from "./button";

/**
 * Previous / next links around a position ("Page 2 of 5"), with an optional summary on the left; on a list of one
 * page only the summary. Plain links: the server renders each page (the audit log, the Pages list).
 */
export function Pagination({
  label,
  summary,
  position,
  prev,
  next,
  compact = false,
  testId,
}: {
  label: string;
  summary?: ReactNode;
  position: ReactNode;
  prev: { href: string | null; text: string };
  next: { href: string | null; text: string };
  /** Smaller, for a bar above a list. */
  compact?: boolean;
  testId?: string;
}) {
  const step = (s: { href: string | null; text: string }, rel: "prev" | "next") =>
    s.href ? (
      <Link className={buttonClass()} href={s.href} rel={rel}>
        {s.text}
      </Link>
    ) : (
      <span className={buttonClass("secondary", "sm", "pointer-events-none opacity-40")} aria-disabled="true">
        {s.text}
      </span>
    );
  const steps = prev.href !== null || next.href !== null;
  if (!steps && !summary) return null;
  return (
    <nav
      aria-label={label}
      data-testid={testId}
      className={`flex flex-wrap items-center gap-x-3 gap-y-2 text-sm text-slate-600 ${compact ? "" : "justify-between"}`}
    >
      {summary && <p className="whitespace-nowrap">{summary}</p>}
      {steps && (
        <div className="flex items-center gap-2">
          {step(prev, "prev")}
          {/* Above a list on a phone, the summary and the two steps share one line: the position gives way. */}
          <span className={`whitespace-nowrap ${compact ? "max-sm:hidden" : ""}`}>{position}</span>
          {step(next, "next")}
        </div>
      )}
    </nav>
  );
}
