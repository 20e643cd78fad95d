/**
 * The dashboard's typed client, derived from the contract: `api.checkToken({ slug, tokenId })`. Paths come from
 * lib/workspace/routes.ts and types from lib/workspace/contract.ts (type-only: no zod in the browser bundle).
 * Errors become ApiError with a sentence a person can act on.
 */
import { fallbackMessage, isErrorBody } from "@/lib/http/error-body";
import { buildPath, workspaceRoutes, type PathParams, type WorkspaceRouteName } from "@/lib/workspace/routes";
import type { BodyOf, ResponseOf } from "@/lib/workspace/contract";

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

type Routes = typeof workspaceRoutes;
type Args<K extends WorkspaceRouteName> = PathParams<Routes[K]["path"]> &
  (Record<string, never> extends BodyOf<K> ? { body?: BodyOf<K> } : { body: BodyOf<K> });

async function call<K extends WorkspaceRouteName>(name: K, args: Args<K>): Promise<ResponseOf<K>> {
  const { method, path } = workspaceRoutes[name];
  let res: Response;
  try {
    res = await fetch(buildPath(path, args), {
      method,
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(args.body ?? {}),
      cache: "no-store",
    });
  } catch {
    throw new ApiError("Couldn't reach the server. Check your connection and try again.", 0);
  }
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = isErrorBody(data) ? data.error : null;
    // 404 answers carry no detail on purpose (another workspace's ids look like missing ones): use our own words.
    const message = error && res.status !== 404 ? error.message : fallbackMessage(res.status);
    throw new ApiError(message, res.status, error?.code ?? null);
  }
  return data as ResponseOf<K>;
}

export const api = Object.fromEntries(
  (Object.keys(workspaceRoutes) as WorkspaceRouteName[]).map((name) => [name, (args: Args<typeof name>) => call(name, args)]),
) as { [K in WorkspaceRouteName]: (args: Args<K>) => Promise<ResponseOf<K>> };

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : "Something went wrong. Try again.";
}
