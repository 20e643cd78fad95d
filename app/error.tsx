"use client";

import { ErrorScreen } from "@/components/error-screen";

/** Any page's unexpected error, inside the root layout: a database outage says so; never Next's generic page. */
export default function AppError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorScreen error={error} retry={retry} />;
}
