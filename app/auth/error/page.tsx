import Link from "next/link";
import { describeAuthError } from "@/lib/auth/auth-errors";

export default async function AuthErrorPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const { error } = await searchParams;
  const { title, detail } = describeAuthError(error);
  return (
    <main className="mx-auto flex min-h-screen max-w-xl flex-col justify-center gap-4 px-6">
      <h1 className="text-2xl font-bold" data-testid="auth-error-title">
        {title}
      </h1>
      <p className="text-slate-700">{detail}</p>
      <p className="text-sm text-slate-500">Nothing was saved from this attempt.</p>
      <div className="flex gap-3">
        <Link href="/start" className="rounded-lg bg-slate-900 px-4 py-2 font-semibold text-white">
          Back to your dashboard
        </Link>
        <Link href="/" className="rounded-lg border border-slate-300 px-4 py-2 font-semibold">
          Start again
        </Link>
      </div>
    </main>
  );
}
