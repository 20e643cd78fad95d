"use client";
import { useState } from "react";

export interface MutationOptions<TData, TVars> {
  mutationFn: (vars: TVars) => Promise<TData>;
  /** Before the call (optimistic state). */
  onMutate?: (vars: TVars) => void;
  onSuccess?: (data: TData, vars: TVars) => void;
  onError?: (error: Error, vars: TVars) => void;
}

export interface Mutation<TVars> {
  /** Starts a call; its outcome goes to that call's callbacks (never thrown). */
  mutate: (vars: TVars) => void;
  /** A call is in flight. */
  isPending: boolean;
}

/**
 * What the app's forms and buttons need of a mutation: run it, say it is pending, hand the outcome to callbacks.
 * No cache, no retries (a mutation is never repeated behind the person's back), and no client library in the
 * first-load JavaScript for it.
 */
export function useMutation<TData, TVars = void>(options: MutationOptions<TData, TVars>): Mutation<TVars> {
  const [inFlight, setInFlight] = useState(0);
  const mutate = (vars: TVars) => {
    setInFlight((n) => n + 1);
    const run = async () => {
      options.onMutate?.(vars);
      return options.mutationFn(vars);
    };
    run()
      .then(
        (data) => options.onSuccess?.(data, vars),
        (err: unknown) => options.onError?.(err instanceof Error ? err : new Error(String(err)), vars),
      )
      .finally(() => setInFlight((n) => n - 1));
  };
  return { mutate, isPending: inFlight > 0 };
}
