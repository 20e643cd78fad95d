"use client";
import { useMutation } from "../use-mutation";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ConfirmDialog } from "../confirm-dialog";
import { api, errorMessage } from "../api";
import { useToast } from "../toast";

/** "New workspace": a name, then the new workspace (you are its owner). */
export function CreateWorkspaceButton() {
  const router = useRouter();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (n: string) => api.createWorkspace({ body: { name: n } }),
    onSuccess: (r) => {
      setOpen(false);
      toast.success(`Created ${r.name}. You are its owner: connect Facebook to add its Pages.`);
      router.push(`/t/${r.slug}`);
    },
    onError: (err) => setProblem(errorMessage(err)),
  });
  return (
    <>
      <button
        type="button"
        onClick={() => {
          setName("");
          setProblem(null);
          setOpen(true);
        }}
        className="w-full rounded-md px-3 py-2 text-left text-sm font-medium text-blue-700 hover:bg-blue-50"
      >
        + New workspace
      </button>
      <ConfirmDialog
        open={open}
        title="New workspace"
        confirmLabel="Create workspace"
        pendingLabel="Creating…"
        destructive={false}
        pending={create.isPending}
        onCancel={() => setOpen(false)}
        onConfirm={() => {
          if (!name.trim()) return setProblem("Give the workspace a name, e.g. the client's business name.");
          create.mutate(name.trim());
        }}
      >
        <p>One workspace per client keeps their Pages and tokens apart. You will be its owner.</p>
        <label className="block space-y-1">
          <span className="font-medium text-slate-900">Workspace name</span>
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={80}
            placeholder="e.g. Acme Bakery"
            className="w-full rounded-lg border border-slate-300 px-3 py-2"
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? "workspace-problem" : undefined}
          />
        </label>
        {problem && (
          <p id="workspace-problem" role="alert" className="text-red-700">
            {problem}
          </p>
        )}
      </ConfirmDialog>
    </>
  );
}
