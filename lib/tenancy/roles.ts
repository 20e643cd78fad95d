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
