"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ConfirmDialog } from "../confirm-dialog";
import { api } from "../api";
import { useToast } from "../toast";
import { FormProblem, TextField, useFormAction } from "../ui/form";

/** "New workspace": a name, then the new workspace (you are its owner). */
export function CreateWorkspaceButton() {
  const router = useRouter();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const create = useFormAction({
    send: () => api.createWorkspace({ body: { name: name.trim() } }),
    check: () => (name.trim() ? null : "Give the workspace a name, e.g. the client's business name."),
    onSuccess: (r) => {
      setOpen(false);
      toast.success(`Created ${r.name}. You are its owner: connect Facebook to add its Pages.`);
      router.push(`/t/${r.slug}`);
    },
  });
  return (
    <>
      <button
        type="button"
        onClick={() => {
          setName("");
          create.setProblem(null);
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
        pending={create.pending}
        onCancel={() => setOpen(false)}
        onConfirm={create.submit}
      >
        <p>One workspace per client keeps their Pages and tokens apart. You will be its owner.</p>
        <TextField
          label="Workspace name"
          value={name}
          onValue={setName}
          maxLength={80}
          placeholder="e.g. Acme Bakery"
          aria-invalid={create.problem ? true : undefined}
          aria-describedby={create.problem ? "workspace-problem" : undefined}
        />
        <FormProblem action={create} id="workspace-problem" />
      </ConfirmDialog>
    </>
  );
}
