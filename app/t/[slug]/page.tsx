import { requireMembership } from "@/lib/auth/session";
import { listIdentities, listPages, latestAttempt, countPages } from "@/lib/connections/dashboard-data";
import { canManageConnections } from "@/lib/tenancy/roles";
import { FacebookButton } from "@/components/facebook-button";
import { startFacebookConnect } from "./actions";
import { signOutAction } from "@/app/actions";

export default async function TenantDashboard({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { membership, value, user } = await requireMembership(slug, async (tx, _m, u) => {
    const [pages, total, identities, attempt] = await Promise.all([listPages(tx, { take: 100 }), countPages(tx), listIdentities(tx), latestAttempt(tx, u.id)]);
    return { pages, total, identities, attempt };
  });
  const canManage = canManageConnections(membership.role);
  const connect = startFacebookConnect.bind(null, membership.slug);
  return (
    <main className="mx-auto max-w-5xl space-y-6 px-4 py-8">
      <header className="flex flex-wrap items-center justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold">{membership.name}</h1>
          <p className="text-sm text-slate-500">Signed in as {user.name ?? "you"} · {membership.role}</p>
        </div>
        <div className="flex gap-2">
          {canManage && (
            <form action={connect}>
              <FacebookButton label="Connect Facebook" />
            </form>
          )}
          <form action={signOutAction}>
            <button className="rounded-lg border border-slate-300 px-4 py-2.5">Sign out</button>
          </form>
        </div>
      </header>
      {value.attempt && (
        <div role="status" data-testid="connect-result" data-outcome={value.attempt.outcome}
          className={`rounded-lg border p-4 ${value.attempt.outcome === "failed" ? "border-red-300 bg-red-50 text-red-900" : "border-green-300 bg-green-50 text-green-900"}`}>
          {value.attempt.message}
        </div>
      )}
      <section>
        <h2 className="mb-2 text-lg font-semibold">Facebook accounts</h2>
        <ul data-testid="identities" className="space-y-1">
          {value.identities.map((i) => (
            <li key={i.id}>{i.name} — user token {i.userToken?.status ?? "disconnected"}</li>
          ))}
        </ul>
      </section>
      <section>
        <h2 className="mb-2 text-lg font-semibold">Pages ({value.total})</h2>
        <ul data-testid="pages" className="divide-y rounded-lg border bg-white">
          {value.pages.map((p) => (
            <li key={p.id} data-testid="page-row" className="flex justify-between p-3">
              <span>{p.name}</span>
              <span className="text-sm text-slate-600">{p.tasks.join(", ")} · {p.tokens[0]?.status ?? "no token"}</span>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
