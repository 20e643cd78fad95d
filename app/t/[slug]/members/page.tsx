import { requireWorkspace } from "@/lib/auth/session";
import { listMembers } from "@/lib/tenancy/members";
import { can, ROLE_LABEL } from "@/lib/tenancy/roles";
import { TenantHeader } from "@/components/tenant/tenant-header";
import { AddMemberForm } from "@/components/members/add-member-form";
import { formatDate } from "@/components/format";

export default async function MembersPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { access: membership, tenants, value: members, user } = await requireWorkspace(slug, "workspace.view", (tx) => listMembers(tx));
  const isOwner = can(membership.role, "members.manage");
  return (
    <>
      <TenantHeader current={membership} tenants={tenants} userName={user.name} tab="members" />
      <main className="mx-auto max-w-4xl space-y-6 px-4 py-6 sm:py-8">
        <div className="space-y-1">
          <h1 className="text-xl font-semibold">Members ({members.length})</h1>
          <p className="text-sm text-slate-600">
            Owners add members and connect Facebook; admins connect, check and disconnect; members only view.
          </p>
        </div>
        {isOwner ? <AddMemberForm slug={membership.slug} /> : <p className="text-sm text-slate-600">Only owners can add members.</p>}
        <ul data-testid="members" className="divide-y divide-slate-200 overflow-hidden rounded-xl border border-slate-200 bg-white">
          {members.map((m) => (
            <li key={m.membershipId} data-testid="member-row" className="flex flex-wrap items-center gap-3 px-4 py-3">
              <div className="min-w-0 flex-1">
                <p className="truncate font-medium">
                  {m.name ?? "Unnamed person"}
                  {m.userId === user.id && <span className="text-slate-500"> (you)</span>}
                </p>
                <p className="truncate text-sm text-slate-500">{m.email ?? "No email shared"}</p>
              </div>
              <span data-testid="member-role" className="rounded-full bg-slate-100 px-2.5 py-0.5 text-sm font-medium text-slate-700">
                {ROLE_LABEL[m.role]}
              </span>
              <span className="w-full text-xs text-slate-500 sm:w-auto">Since {formatDate(m.joinedAt)}</span>
            </li>
          ))}
        </ul>
      </main>
    </>
  );
}
