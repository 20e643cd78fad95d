import "server-only";
import { sessionUserOf, type SessionUser } from "../auth/session-cookie";
import { errorResponse, failureResponse, jsonResponse, notFoundError, respondToError } from "../http/respond";
import type { Result } from "../http/result";
import { refusalFailure, withMembership, type WorkspaceAccess } from "../tenancy/membership";
import type { Permission } from "../tenancy/roles";
import { workspaceContract, type ParamsOf, type ParsedBodyOf, type ResponseOf, type WorkspaceContract } from "./contract";
import { workspaceRoutes, type WorkspaceRouteName } from "./routes";
import { isSameOriginJson } from "./same-origin";

/**
 * The one gate of every dashboard route handler (`export const POST = workspaceRoute("checkToken", handler)`). In
 * order: the session (401), the same-origin JSON check (415), path parameters (a malformed id is a 404, like a
 * missing one), the body (400 / 422), the membership core with the endpoint's permission (404 for another
 * workspace, 403 for a member without the role), then the handler; its Result becomes the endpoint's answer.
 * Every answer is `no-store`, every error has the one format, and anything unexpected is logged once, redacted.
 */

type PermissionOf<K extends WorkspaceRouteName> = WorkspaceContract[K]["permission"];

export interface RouteContext<K extends WorkspaceRouteName> {
  req: Request;
  user: SessionUser;
  params: ParamsOf<K>;
  body: ParsedBodyOf<K>;
  /** The checked membership (null for endpoints outside any workspace). */
  access: PermissionOf<K> extends Permission ? WorkspaceAccess<PermissionOf<K>> : null;
}

// Next passes `params` only to dynamic routes (for /api/t it resolves to undefined).
type NextContext = { params?: Promise<Record<string, string | string[] | undefined> | undefined> };

export function workspaceRoute<K extends WorkspaceRouteName>(name: K, handler: (ctx: RouteContext<K>) => Promise<Result<ResponseOf<K>>>) {
  const spec = workspaceContract[name];
  const where = { route: workspaceRoutes[name].path, method: workspaceRoutes[name].method };

  return async function handle(req: Request, next: NextContext): Promise<Response> {
    try {
      const user = await sessionUserOf(req);
      if (!user) return errorResponse(401, "signed_out", "You are signed out. Sign in again, then retry.");
      if (!isSameOriginJson(req)) return errorResponse(415, "bad_request", "Send this request from the app (JSON, same origin).");

      const { slug, ...rawParams } = (await next?.params) ?? {};
      const params = spec.params.safeParse(rawParams);
      if (!params.success) throw notFoundError();

      let json: unknown;
      try {
        json = await req.json();
      } catch {
        return errorResponse(400, "bad_request", "The request body is not valid JSON.");
      }
      const body = spec.body.safeParse(json);
      if (!body.success) return errorResponse(422, "invalid", body.error.issues[0]?.message ?? "Some fields are not valid.");

      let access: WorkspaceAccess | null = null;
      if (spec.permission) {
        if (typeof slug !== "string") throw notFoundError();
        const membership = await withMembership(user.id, { slug }, spec.permission);
        if (!membership.ok) return failureResponse(refusalFailure(membership, spec.permission));
        access = membership.access;
      }

      const result = await handler({ req, user, params: params.data, body: body.data, access } as RouteContext<K>);
      return result.ok ? jsonResponse(result.value) : failureResponse(result.error);
    } catch (err) {
      return respondToError(err, where);
    }
  };
}
