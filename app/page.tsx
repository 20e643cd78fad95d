import Link from "next/link";
import { currentUser } from "@/lib/auth/session";
import { FacebookButton } from "@/components/facebook-button";
import { continueWithFacebook } from "@/lib/auth/actions";
import { buttonClass } from "@/components/ui/button";

export default async function LandingPage() {
  const user = await currentUser();
  return (
    <main className="mx-auto flex min-h-screen max-w-3xl flex-col justify-center gap-8 px-6 py-16">
      <div className="space-y-4">
        <p className="text-sm font-semibold uppercase tracking-wide text-blue-700">Social Tokens</p>
        <h1 className="text-4xl font-bold tracking-tight">Connect your clients&apos; Facebook Pages once. Keep them connected.</h1>
        <p className="text-lg text-slate-600">
          Each client gets a private workspace. Tokens are encrypted at rest, checked for health, and never shown on a screen. The API hands
          them only to automations holding one of your workspace&apos;s API keys, and the audit log records every hand-out.
        </p>
      </div>
      {user ? (
        <div className="flex items-center gap-4">
          <p>Signed in as {user.name ?? "you"}.</p>
          <Link href="/start" className={buttonClass("primary", "lg")}>
            Open your dashboard
          </Link>
        </div>
      ) : (
        <form action={continueWithFacebook}>
          <FacebookButton label="Continue with Facebook" />
          <p className="mt-3 text-sm text-slate-500">You are signed out. Continuing creates your workspace on first sign-in.</p>
        </form>
      )}
    </main>
  );
}
