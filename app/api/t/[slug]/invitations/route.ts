import { inviteMember } from "@/lib/tenancy/invitations";
import { appOrigin } from "@/lib/workspace/app-origin";
import { workspaceRoute } from "@/lib/workspace/route";

/** Invite by email and role; the answer is the same whether or not the address has an account here. */
export const POST = workspaceRoute("inviteMember", ({ req, access, body }) => inviteMember(access, { ...body, origin: appOrigin(req) }));
