/**
 * Roles and what each may do: the one list, client-safe (no server code), used by the membership core, the route
 * wrapper, the contract and the components that decide which buttons to show.
 */

export const ROLES = ["owner", "admin", "member"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABEL: Record<Role, string> = { owner: "Owner", admin: "Admin", member: "Member" };

/** Each permission and the roles that hold it. */
export const PERMISSIONS = {
  /** See the workspace: dashboard, members, audit log. */
  "workspace.view": ["owner", "admin", "member"],
  /** Connect, check and disconnect Facebook accounts and Pages. */
  "connections.manage": ["owner", "admin"],
  /** Invite people (admins: as members only, see mayInviteAs). */
  "members.invite": ["owner", "admin"],
  /** Change roles, remove members, invite owners and admins. */
  "members.manage": ["owner"],
  /** Create, list and revoke API keys for the token API. */
  "apiKeys.manage": ["owner", "admin"],
  /** Webhook endpoints: add, change, delete, test, redeliver. */
  "webhooks.manage": ["owner", "admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

const WHO: Record<Permission, string> = {
  "workspace.view": "members",
  "connections.manage": "owners and admins",
  "members.invite": "owners and admins",
  "members.manage": "owners",
  "apiKeys.manage": "owners and admins",
  "webhooks.manage": "owners and admins",
};

const WHAT: Record<Permission, string> = {
  "workspace.view": "see this workspace",
  "connections.manage": "check, connect or disconnect",
  "members.invite": "invite people",
  "members.manage": "change or remove members",
  "apiKeys.manage": "create or revoke API keys",
  "webhooks.manage": "manage webhooks",
};

/** Why a member's action is refused, in words that say who can do it instead. */
export function refusalMessage(permission: Permission, role: Role): string {
  const who = WHO[permission];
  const you = role === "admin" ? "an admin" : role === "owner" ? "an owner" : "a member";
  return `Only ${who} can ${WHAT[permission]}; you are ${you} here. Ask an owner of this workspace.`;
}

/** Owners invite with any role; admins invite members only (never someone with more rights than a member). */
export function mayInviteAs(actor: Role, invitedRole: Role): boolean {
  return can(actor, "members.manage") || (can(actor, "members.invite") && invitedRole === "member");
}
