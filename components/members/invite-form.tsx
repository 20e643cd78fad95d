"use client";
import { useState } from "react";
import type { Role } from "@/lib/tenancy/roles";
import { api } from "../api";
import { useToast } from "../toast";
import { ActionForm, FormProblem, SubmitButton, TextField, useFormAction, useRefresh } from "../ui/form";

const LABEL: Record<Role, string> = {
  member: "Member — views",
  admin: "Admin — connects, checks, disconnects",
  owner: "Owner — also manages members",
};

/** Invite someone by email. Owners pick any role; admins invite members only. */
export function InviteForm({ slug, roles }: { slug: string; roles: readonly Role[] }) {
  const toast = useToast();
  const refresh = useRefresh();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");
  const invite = useFormAction({
    send: () => api.inviteMember({ slug, body: { email, role } }),
    check: () => (email.trim() ? null : "Enter the person's email address."),
    onSuccess: (r) => {
      toast.success(`Invitation sent to ${r.email} (${r.role}). The link works for ${r.expiresInDays} days.`);
      setEmail("");
      refresh();
    },
  });
  return (
    <ActionForm label="Invite someone" action={invite}>
      <div className="flex flex-col gap-2 sm:flex-row">
        <TextField
          label="Email"
          hideLabel
          className="flex-1"
          type="email"
          required
          value={email}
          onValue={setEmail}
          placeholder="person@example.com"
        />
        <select
          value={role}
          onChange={(e) => setRole(e.target.value as Role)}
          aria-label="Role"
          className="rounded-lg border border-slate-300 bg-white px-2 py-2"
        >
          {roles.map((r) => (
            <option key={r} value={r}>
              {LABEL[r]}
            </option>
          ))}
        </select>
        <SubmitButton action={invite} pendingLabel="Sending…">
          Send invitation
        </SubmitButton>
      </div>
      <FormProblem action={invite} />
      <p className="text-xs text-slate-500">
        They get an email with a link that works once, for 7 days. They sign in with Facebook and accept or decline; nobody joins without
        accepting.
      </p>
    </ActionForm>
  );
}
