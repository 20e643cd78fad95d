"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { api, errorMessage } from "../api";
import { useToast } from "../toast";

/** Owners add a person who has signed in once, by the email Facebook shared, with a role. */
export function AddMemberForm({ slug }: { slug: string }) {
  const router = useRouter();
  const toast = useToast();
  const [, startTransition] = useTransition();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<"member" | "admin" | "owner">("member");
  const [problem, setProblem] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: () => api.addMember({ slug, body: { email, role } }),
    onMutate: () => setProblem(null),
    onSuccess: (m) => {
      toast.success(`Added ${m.name ?? m.email ?? email} as ${m.role}.`);
      setEmail("");
      startTransition(() => router.refresh());
    },
    onError: (err) => setProblem(errorMessage(err)),
  });
  return (
    <form
      aria-label="Add a member"
      className="space-y-3 rounded-xl border border-slate-200 bg-white p-4"
      onSubmit={(e) => {
        e.preventDefault();
        if (!email.trim()) return setProblem("Enter the person's email address.");
        add.mutate();
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
          onChange={(e) => setRole(e.target.value as typeof role)}
          aria-label="Role"
          className="rounded-lg border border-slate-300 bg-white px-2 py-2"
        >
          <option value="member">Member — views</option>
          <option value="admin">Admin — connects, checks, disconnects</option>
          <option value="owner">Owner — also adds members</option>
        </select>
        <button
          type="submit"
          disabled={add.isPending}
          className="rounded-lg bg-slate-900 px-4 py-2 font-semibold text-white hover:bg-slate-700 disabled:opacity-60"
        >
          {add.isPending ? "Adding…" : "Add member"}
        </button>
      </div>
      {problem && (
        <p role="alert" className="text-sm text-red-700">
          {problem}
        </p>
      )}
      <p className="text-xs text-slate-500">
        The person must have opened this app and continued with Facebook once, and Facebook must have shared their email with us.
      </p>
    </form>
  );
}
