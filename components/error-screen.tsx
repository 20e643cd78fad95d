"use client";

import { DATABASE_UNAVAILABLE_DIGEST, OUTAGE_DETAIL, OUTAGE_TITLE } from "@/lib/http/outage";

/**
 * What app/error.tsx and app/global-error.tsx show. A database outage (the server's error carries the
 * DATABASE_UNAVAILABLE digest) is named as ours, with "nothing was changed"; anything else is an unexpected error on
 * our side. Neither is ever worded as Facebook's failure. The reference lets support match the server's log line.
 * "Home" is a plain link: a full load is the surer way out of a broken page, and next/link would put its client
 * code into both error chunks, which every page loads.
 */
export function ErrorScreen({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;
  const outage = digest === DATABASE_UNAVAILABLE_DIGEST;
  return (
    <main
      className="mx-auto flex min-h-screen max-w-xl flex-col justify-center gap-4 px-6"
      data-testid="error-screen"
      data-kind={outage ? "database_unavailable" : "unexpected"}
    >
      <h1 className="text-2xl font-bold" data-testid="error-title">
        {outage ? OUTAGE_TITLE : "Something went wrong on our side"}
      </h1>
      <p className="text-slate-700">
        {outage
          ? OUTAGE_DETAIL
          : "The page could not be shown. Nothing was changed; try again in a minute. If it keeps happening, tell us the reference below."}
      </p>
      {!outage && digest && <p className="text-sm text-slate-500">Reference: {digest}</p>}
      <div className="flex gap-3">
        <button type="button" onClick={() => retry()} className="rounded-lg bg-slate-900 px-4 py-2 font-semibold text-white">
          Try again
        </button>
        {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- a full load on purpose (see above) */}
        <a href="/" className="rounded-lg border border-slate-300 px-4 py-2 font-semibold">
          Home
        </a>
      </div>
    </main>
  );
}
