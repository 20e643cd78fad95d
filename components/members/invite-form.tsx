"use client";
import { useMutation } from "../use-mutation";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { Role } from "@/lib/tenancy/roles";
import { api, errorMessage } from "../api";
import { useToast } from "../toast";

const LABEL: Record<Role, string> = {
  member: "Member — views",
  admin: "Admin — connects, checks, disconnects",
  owner: "Owner — also manages members",
};

/** Invite someone by email. Owners pick any role; admins invite members only. */
export function InviteForm({ slug, roles }: { slug: string; roles: readonly Role[] }) {
  const router = useRouter();
  const toast = useToast();
  const [, startTransition] = useTransition();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [problem, setProblem] = useState<string | null>(null);
  const invite = useMutation({
    mutationFn: () => api.inviteMember({ slug, body: { email, role } }),
    onMutate: () => setProblem(null),
    onSuccess: (r) => {
      toast.success(`Invitation sent to ${r.email} (${r.role}). The link works for ${r.expiresInDays} days.`);
      setEmail("");
      startTransition(() => router.refresh());
    },
    onError: (err) => setProblem(errorMessage(err)),
  });
  return (
    <form
      aria-label="Invite someone"
      className="space-y-3 rounded-xl border border-slate-200 bg-white p-4"
      onSubmit={(e) => {
        e.preventDefault();
        if (!email.trim()) return setProblem("Enter the person's email address.");
        invite.mutate();
      }}
    >
      <div className="flex flex-col gap-2 sm:flex-row">
        <label className="flex-1">
          <span className="sr-only">Email</span>
          <input
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            placeholder="person@example.com"
            className="w-full rounded-lg border border-slate-300 px-3 py-2"
            aria-label="Email"
          />
        </label>
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
        <button
          type="submit"
          disabled={invite.isPending}
          className="rounded-lg bg-slate-900 px-4 py-2 font-semibold text-white hover:bg-slate-700 disabled:opacity-60"
        >
          {invite.isPending ? "Sending…" : "Send invitation"}
        </button>
      </div>
      {problem && (
        <p role="alert" className="text-sm text-red-700">
          {problem}
        </p>
      )}
      <p className="text-xs text-slate-500">
        They get an email with a link that works once, for 7 days. They sign in with Facebook and accept or decline; nobody joins without
        accepting.
      </p>
    </form>
  );
}
