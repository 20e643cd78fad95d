import Link from "next/link";
import { currentUser } from "@/lib/auth/session";
import { acceptInvitationAction, declineInvitationAction, signInForInvitation } from "@/lib/auth/actions";
import { INVITATION_NOT_FOUND, viewInvitation, type InvitationState } from "@/lib/tenancy/invitations";
import { ROLE_LABEL } from "@/lib/tenancy/roles";
import { FacebookButton } from "@/components/facebook-button";
import { formatDate } from "@/components/format";

const ANSWERED: Record<Exclude<InvitationState, "pending">, string> = {
  expired: "This invitation has expired. Ask the person who invited you to send a new one.",
  accepted: "This invitation has been accepted.",
  declined: "You declined this invitation. Nothing was joined. Ask for a new one if you change your mind.",
  revoked: "This invitation was withdrawn. Ask the person who invited you.",
};

/**
 * An invitation link. Signed out: sign in with Facebook first (the workspace is named only to the signed-in
 * person). Signed in: the workspace, who invited, the role, and Accept / Decline. Nobody joins without accepting.
 */
export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const user = await currentUser();
  if (!user) {
    return (
      <Shell>
        <h1 className="text-2xl font-bold">You have been invited to a workspace</h1>
        <p className="text-slate-600">Sign in with Facebook to see the invitation and accept or decline it.</p>
        <form action={signInForInvitation.bind(null, token)}>
          <FacebookButton label="Continue with Facebook" />
        </form>
      </Shell>
    );
  }
  const invitation = await viewInvitation(user.id, token);
  if (!invitation) {
    return (
      <Shell>
        <h1 className="text-2xl font-bold">Invitation not found</h1>
        <p role="alert" className="text-slate-700">
          {INVITATION_NOT_FOUND}
        </p>
        <Link href="/start" className="underline">
          Open your dashboard
        </Link>
      </Shell>
    );
  }
  const who = invitation.invitedByName ?? "A member";
  return (
    <Shell>
      <h1 className="text-2xl font-bold">
        Join <span data-testid="invitation-workspace">{invitation.workspaceName}</span>?
      </h1>
      <p className="text-slate-700">
        <span data-testid="invitation-inviter">{who}</span> invited {invitation.email} to <strong>{invitation.workspaceName}</strong> as{" "}
        <strong>{ROLE_LABEL[invitation.role].toLowerCase()}</strong>. You are signed in as {user.name ?? "you"}.
      </p>
      {invitation.state === "pending" ? (
        <>
          <p className="text-sm text-slate-500">The invitation expires {formatDate(invitation.expiresAt)}.</p>
          <div className="flex gap-3">
            <form action={acceptInvitationAction.bind(null, token)}>
              <button type="submit" className="rounded-lg bg-slate-900 px-5 py-2.5 font-semibold text-white hover:bg-slate-700">
                Accept and join
              </button>
            </form>
            <form action={declineInvitationAction.bind(null, token)}>
              <button type="submit" className="rounded-lg border border-slate-300 px-5 py-2.5 font-semibold hover:bg-slate-50">
                Decline
              </button>
            </form>
          </div>
        </>
      ) : (
        <>
          <p role="status" data-testid="invitation-state" className="text-slate-700">
            {ANSWERED[invitation.state]}
          </p>
          <Link href="/start" className="underline">
            Open your dashboard
          </Link>
        </>
      )}
    </Shell>
  );
}

function Shell({ children }: { children: React.ReactNode }) {
  return <main className="mx-auto flex min-h-screen max-w-2xl flex-col justify-center gap-5 px-6 py-16">{children}</main>;
}
