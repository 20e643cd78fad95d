import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { findDataDeletionRequest } from "@/lib/meta/forget-facebook-user";

// Public status page for a Facebook data deletion request (the URL we give Meta). Knows the code, nothing else.
export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Data deletion status", robots: { index: false, follow: false } };

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "long", timeStyle: "short", timeZone: "UTC" });

export default async function DataDeletionStatusPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  const request = await findDataDeletionRequest(code);
  if (!request) notFound();
  return (
    <main className="mx-auto max-w-2xl space-y-4 px-4 py-10">
      <h1 className="text-2xl font-bold">Your data deletion request is complete</h1>
      <p className="text-slate-700">
        Confirmation code{" "}
        <code data-testid="confirmation-code" className="rounded bg-slate-100 px-1">
          {request.confirmationCode}
        </code>
        , received {dateFormat.format(request.requestedAt)} UTC, was processed immediately.
      </p>
      <h2 className="text-lg font-semibold">What we deleted</h2>
      <ul className="list-disc space-y-1 pl-5" data-testid="deleted">
        <li>
          Your Facebook connections in every workspace: {request.tokensDeleted} access token{request.tokensDeleted === 1 ? "" : "s"}{" "}
          disconnected and erased (we no longer hold them).
        </li>
        <li>
          Your Facebook profile details (name and profile picture) in {request.identitiesErased} workspace record
          {request.identitiesErased === 1 ? "" : "s"}.
        </li>
        <li>The link between your Facebook account and your sign-in to this app, if there was one.</li>
      </ul>
      <h2 className="text-lg font-semibold">What we keep</h2>
      <p className="text-slate-700">
        A record that this request was made and processed (this page), and workspace audit entries that say a connection was removed,
        without your name or picture.
      </p>
    </main>
  );
}
