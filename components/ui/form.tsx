"use client";
import { useMutation } from "../use-mutation";
import { useRouter } from "next/navigation";
import { useState, useTransition, type InputHTMLAttributes, type ReactNode } from "react";
import { errorMessage } from "../api";
import { Button } from "./button";

/**
 * A form that sends one request. `useFormAction` owns what every such form repeats: a check before sending (a
 * sentence, or null), the pending state, and the problem line (the check's sentence or the server's refusal, cleared
 * when a new attempt goes out). `<ActionForm>`, `<SubmitButton>` and `<FormProblem>` draw them the same way
 * everywhere; the caller keeps its fields and decides what a success does.
 */
export interface FormAction {
  problem: string | null;
  pending: boolean;
  /** Runs the check; sends when it passes, shows its sentence when not. */
  submit: () => void;
  setProblem: (problem: string | null) => void;
}

export function useFormAction<T>({
  send,
  check,
  onSuccess,
}: {
  send: () => Promise<T>;
  check?: () => string | null;
  onSuccess: (result: T) => void;
}): FormAction {
  const [problem, setProblem] = useState<string | null>(null);
  const mutation = useMutation({
    mutationFn: send,
    onMutate: () => setProblem(null),
    onSuccess,
    onError: (err) => setProblem(errorMessage(err)),
  });
  return {
    problem,
    pending: mutation.isPending,
    setProblem,
    submit: () => {
      const refusal = check?.() ?? null;
      if (refusal) setProblem(refusal);
      else mutation.mutate();
    },
  };
}

/** The server's list again after a change (router.refresh() in a transition: the page stays interactive). */
export function useRefresh(): () => void {
  const router = useRouter();
  const [, startTransition] = useTransition();
  return () => startTransition(() => router.refresh());
}

/** A form on a card, named for screen readers by `label`. */
export function ActionForm({
  label,
  action,
  roomy = false,
  children,
}: {
  label: string;
  action: FormAction;
  /** More space between the fields (a form of several sections). */
  roomy?: boolean;
  children: ReactNode;
}) {
  return (
    <form
      aria-label={label}
      className={`${roomy ? "space-y-4" : "space-y-3"} rounded-xl border border-slate-200 bg-white p-4`}
      onSubmit={(e) => {
        e.preventDefault();
        action.submit();
      }}
    >
      {children}
    </form>
  );
}

export function SubmitButton({ action, pendingLabel, children }: { action: FormAction; pendingLabel: string; children: ReactNode }) {
  return (
    <Button type="submit" variant="primary" size="lg" disabled={action.pending}>
      {action.pending ? pendingLabel : children}
    </Button>
  );
}

/** A labelled text input: the label above it, or for screen readers only (`hideLabel`). `className` is the label's. */
export function TextField({
  label,
  hideLabel = false,
  className = "block",
  onValue,
  ...input
}: Omit<InputHTMLAttributes<HTMLInputElement>, "onChange" | "className"> & {
  label: string;
  hideLabel?: boolean;
  className?: string;
  onValue: (value: string) => void;
}) {
  return (
    <label className={`${className} space-y-1`}>
      <span className={hideLabel ? "sr-only" : "text-sm font-medium"}>{label}</span>
      <input className="w-full rounded-lg border border-slate-300 px-3 py-2" onChange={(e) => onValue(e.target.value)} {...input} />
    </label>
  );
}

/** The problem line (announced as an alert), or nothing. `id` lets a field point at it with aria-describedby. */
export function FormProblem({ action, id }: { action: FormAction; id?: string }) {
  if (!action.problem) return null;
  return (
    <p id={id} role="alert" className="text-sm text-red-700">
      {action.problem}
    </p>
  );
}
