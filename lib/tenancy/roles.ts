import type { Role } from "../db/generated/enums";

export type { Role };

/** Owners and admins connect, disconnect and check tokens; members only look. */
export function canManageConnections(role: Role): boolean {
  return role === "owner" || role === "admin";
}

export function canManageMembers(role: Role): boolean {
  return role === "owner";
}

export const ROLE_LABEL: Record<Role, string> = { owner: "Owner", admin: "Admin", member: "Member" };

export const ROLES: readonly Role[] = ["owner", "admin", "member"];

/** Why a member's action is refused, in words that say who can do it instead. */
export function refusalMessage(action: "connections" | "members", role: Role): string {
  if (action === "members") return `Only owners can add members; you are ${role === "admin" ? "an admin" : "a member"} here. Ask an owner of this workspace.`;
  return `Only owners and admins can check, connect or disconnect; you are a member here (view only). Ask an owner of this workspace to do it or to make you an admin.`;
}
