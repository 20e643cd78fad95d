import { requireWorkspace } from "@/lib/auth/session";
import { listMembers } from "@/lib/tenancy/members";
import { listPendingInvitations } from "@/lib/tenancy/invitations";
import { can, mayInviteAs, ROLE_LABEL, ROLES } from "@/lib/tenancy/roles";
import { WorkspacePage } from "@/components/tenant/workspace-page";
import { InviteForm } from "@/components/members/invite-form";
import { InvitationActions, LeaveButton, RemoveMemberButton, RoleSelect } from "@/components/members/member-actions";
import { formatDate } from "@/components/format";

export default async function MembersPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const workspace = await requireWorkspace(slug, "workspace.view", async (tx, access) => ({
    members: await listMembers(tx),
    invitations: can(access.role, "members.invite") ? await listPendingInvitations(tx) : [],
  }));
  const {
    access: membership,
    value: { members, invitations },
    user,
  } = workspace;
  const isOwner = can(membership.role, "members.manage");
  const mayInvite = can(membership.role, "members.invite");
  const invitableRoles = ROLES.filter((r) => mayInviteAs(membership.role, r));
  return (
    <WorkspacePage
      workspace={workspace}
      tab="members"
      title={`Members (${members.length})`}
      intro="Owners manage members and connect Facebook; admins connect, check, disconnect and invite members; members only view."
      aside={<LeaveButton slug={membership.slug} name={membership.name} />}
    >
      {mayInvite ? (
        <InviteForm slug={membership.slug} roles={invitableRoles} />
      ) : (
        <p className="text-sm text-slate-600">Only owners and admins can invite people.</p>
      )}
      {mayInvite && invitations.length > 0 && (
        <section className="space-y-2">
          <h2 className="font-semibold">Pending invitations ({invitations.length})</h2>
          <ul data-testid="invitations" className="divide-y divide-slate-200 overflow-hidden rounded-xl border border-slate-200 bg-white">
            {invitations.map((i) => (
              <li key={i.id} data-testid="invitation-row" className="flex flex-wrap items-center gap-3 px-4 py-3">
                <div className="min-w-0 flex-1">
                  <p className="truncate font-medium">{i.email}</p>
                  <p className="text-sm text-slate-500">
                    {ROLE_LABEL[i.role]} · invited by {i.invitedByName ?? "a former member"} ·{" "}
                    {i.expired ? "expired" : `expires ${formatDate(i.expiresAt)}`}
                  </p>
                </div>
                {mayInviteAs(membership.role, i.role) && <InvitationActions slug={membership.slug} invitationId={i.id} email={i.email} />}
              </li>
            ))}
          </ul>
        </section>
      )}
      <ul data-testid="members" className="divide-y divide-slate-200 overflow-hidden rounded-xl border border-slate-200 bg-white">
        {members.map((m) => {
          const name = m.name ?? m.email ?? "Unnamed person";
          const self = m.userId === user.id;
          return (
            <li key={m.membershipId} data-testid="member-row" className="flex flex-wrap items-center gap-3 px-4 py-3">
              <div className="min-w-0 flex-1">
                <p className="truncate font-medium">
                  {m.name ?? "Unnamed person"}
                  {self && <span className="text-slate-500"> (you)</span>}
                </p>
                <p className="truncate text-sm text-slate-500">{m.email ?? "No email shared"}</p>
              </div>
              {isOwner && !self ? (
                <RoleSelect slug={membership.slug} membershipId={m.membershipId} name={name} role={m.role} />
              ) : (
                <span data-testid="member-role" className="rounded-full bg-slate-100 px-2.5 py-0.5 text-sm font-medium text-slate-700">
                  {ROLE_LABEL[m.role]}
                </span>
              )}
              {isOwner && !self && <RemoveMemberButton slug={membership.slug} membershipId={m.membershipId} name={name} />}
              <span className="w-full text-xs text-slate-500 sm:w-auto">Since {formatDate(m.joinedAt)}</span>
            </li>
          );
        })}
      </ul>
    </WorkspacePage>
  );
}
