"use client";

import { ErrorScreen } from "@/components/error-screen";
import "./globals.css";

/** When the root layout itself fails: the same words as app/error.tsx, in a document of its own. */
export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <title>Social Tokens — something went wrong</title>
        <ErrorScreen error={error} retry={retry} />
      </body>
    </html>
  );
}
