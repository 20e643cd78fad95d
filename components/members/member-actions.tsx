"use client";
import { useMutation } from "../use-mutation";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ROLES, ROLE_LABEL, type Role } from "@/lib/tenancy/roles";
import { ConfirmDialog } from "../confirm-dialog";
import { api, errorMessage } from "../api";
import { useToast } from "../toast";
import { useRefresh } from "../ui/form";

/** An owner changes a member's role. */
export function RoleSelect({ slug, membershipId, name, role }: { slug: string; membershipId: string; name: string; role: Role }) {
  const toast = useToast();
  const refresh = useRefresh();
  const change = useMutation({
    mutationFn: (next: Role) => api.changeMemberRole({ slug, membershipId, body: { role: next } }),
    onSuccess: (r) => {
      toast.success(`${name} is now ${ROLE_LABEL[r.role].toLowerCase()}.`);
      refresh();
    },
    onError: (err) => {
      toast.error(`Could not change ${name}'s role: ${errorMessage(err)}`);
      refresh();
    },
  });
  return (
    <select
      aria-label={`Role of ${name}`}
      defaultValue={role}
      key={role}
      disabled={change.isPending}
      onChange={(e) => change.mutate(e.target.value as Role)}
      className="rounded-lg border border-slate-300 bg-white px-2 py-1 text-sm"
    >
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {ROLE_LABEL[r]}
        </option>
      ))}
    </select>
  );
}

/** An owner removes a member, choosing what happens to the Facebook accounts they connected. */
export function RemoveMemberButton({ slug, membershipId, name }: { slug: string; membershipId: string; name: string }) {
  const toast = useToast();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  const [connections, setConnections] = useState<"keep" | "disconnect">("keep");
  const remove = useMutation({
    mutationFn: () => api.removeMember({ slug, membershipId, body: { connections } }),
    onSuccess: (r) => {
      setOpen(false);
      toast.success(
        r.connections === "disconnect"
          ? `Removed ${name} and disconnected ${r.identitiesDisconnected} Facebook account(s) they connected.`
          : `Removed ${name}. The Facebook accounts they connected keep working.`,
      );
      refresh();
    },
    onError: (err) => toast.error(`Could not remove ${name}: ${errorMessage(err)}`),
  });
  return (
    <>
      <button
        type="button"
        className="btn btn-danger"
        onClick={() => {
          setConnections("keep");
          setOpen(true);
        }}
      >
        Remove
      </button>
      <ConfirmDialog
        open={open}
        title={`Remove ${name}?`}
        confirmLabel="Remove member"
        pendingLabel="Removing…"
        pending={remove.isPending}
        onCancel={() => setOpen(false)}
        onConfirm={() => remove.mutate()}
      >
        <p>{name} loses access to this workspace at once. What happens to the Facebook accounts they connected here?</p>
        <fieldset className="space-y-2">
          <legend className="sr-only">Their Facebook connections</legend>
          <label className="flex items-start gap-2 rounded-lg border border-slate-200 p-3">
            <input type="radio" name="connections" checked={connections === "keep"} onChange={() => setConnections("keep")} />
            <span>
              <span className="font-medium text-slate-900">Keep them working</span>
              <span className="block text-slate-600">They stay connected, marked &ldquo;connected by a former member&rdquo;.</span>
            </span>
          </label>
          <label className="flex items-start gap-2 rounded-lg border border-slate-200 p-3">
            <input type="radio" name="connections" checked={connections === "disconnect"} onChange={() => setConnections("disconnect")} />
            <span>
              <span className="font-medium text-slate-900">Disconnect them now</span>
              <span className="block text-slate-600">Their tokens stop being used in this workspace; the history stays.</span>
            </span>
          </label>
        </fieldset>
      </ConfirmDialog>
    </>
  );
}

/** Leave this workspace. */
export function LeaveButton({ slug, name }: { slug: string; name: string }) {
  const toast = useToast();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const leave = useMutation({
    mutationFn: () => api.leaveWorkspace({ slug }),
    onSuccess: () => {
      setOpen(false);
      router.push("/start");
    },
    onError: (err) => {
      setOpen(false);
      toast.error(errorMessage(err));
    },
  });
  return (
    <>
      <button type="button" className="btn" onClick={() => setOpen(true)}>
        Leave workspace
      </button>
      <ConfirmDialog
        open={open}
        title={`Leave ${name}?`}
        confirmLabel="Leave"
        pendingLabel="Leaving…"
        pending={leave.isPending}
        onCancel={() => setOpen(false)}
        onConfirm={() => leave.mutate()}
      >
        <p>You lose access at once. Facebook accounts you connected here keep working, marked as a former member&apos;s.</p>
      </ConfirmDialog>
    </>
  );
}

/** Resend or revoke a pending invitation. */
export function InvitationActions({ slug, invitationId, email }: { slug: string; invitationId: string; email: string }) {
  const toast = useToast();
  const refresh = useRefresh();
  const resend = useMutation({
    mutationFn: () => api.resendInvitation({ slug, invitationId }),
    onSuccess: () => {
      toast.success(`Sent the invitation to ${email} again, with a new link.`);
      refresh();
    },
    onError: (err) => toast.error(errorMessage(err)),
  });
  const revoke = useMutation({
    mutationFn: () => api.revokeInvitation({ slug, invitationId }),
    onSuccess: () => {
      toast.success(`Withdrew the invitation to ${email}.`);
      refresh();
    },
    onError: (err) => toast.error(errorMessage(err)),
  });
  return (
    <span className="flex gap-2">
      <button type="button" className="btn" disabled={resend.isPending} onClick={() => resend.mutate()}>
        Resend
      </button>
      <button type="button" className="btn btn-danger" disabled={revoke.isPending} onClick={() => revoke.mutate()}>
        Revoke
      </button>
    </span>
  );
}
