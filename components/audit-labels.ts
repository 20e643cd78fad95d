/** Audit actions in words. Unknown actions show as they are stored. */
export const AUDIT_LABEL: Record<string, string> = {
  "tenant.created": "Workspace created",
  "member.added": "Member added",
  "member.joined": "Member joined (invitation accepted)",
  "member.role_changed": "Member's role changed",
  "member.removed": "Member removed",
  "member.left": "Member left",
  "invitation.created": "Invitation sent",
  "invitation.resent": "Invitation sent again",
  "invitation.revoked": "Invitation withdrawn",
  "invitation.accepted": "Invitation accepted",
  "invitation.declined": "Invitation declined",
  "facebook.connected": "Facebook connected",
  "token.rotated": "Token replaced by a reconnect",
  "token.status_changed": "Token status changed",
  "page.no_longer_shared": "Page no longer shared on Facebook",
  "page.disconnected": "Page disconnected",
  "identity.disconnected": "Facebook account disconnected",
  "identity.revoked_on_facebook": "App access revoked on Facebook",
  "identity.revoke_failed": "Revoke on Facebook failed",
  "tokens.reencrypted": "Tokens re-encrypted under a new key",
};

/** A short, token-free summary of an event's details. */
export function auditSummary(action: string, details: unknown): string | null {
  if (!details || typeof details !== "object" || Array.isArray(details)) return null;
  const d = details as Record<string, unknown>;
  if (action === "token.status_changed" && typeof d.from === "string" && typeof d.to === "string") {
    return `${d.from} → ${d.to}${typeof d.via === "string" ? ` (${d.via.replaceAll("_", " ")})` : ""}`;
  }
  if (action === "facebook.connected" && typeof d.pages === "number") return `${d.pages} Page${d.pages === 1 ? "" : "s"}`;
  if ((action === "member.added" || action === "member.joined") && typeof d.role === "string") return `as ${d.role}`;
  if (action === "member.role_changed" && typeof d.from === "string" && typeof d.to === "string") return `${d.from} → ${d.to}`;
  if (action === "member.removed" && d.connections === "disconnect") return "their Facebook connections disconnected";
  if (action === "member.removed" && d.connections === "keep") return "their Facebook connections kept";
  if (action.startsWith("invitation.") && typeof d.email === "string" && typeof d.role === "string") return `${d.email} as ${d.role}`;
  if (action === "identity.disconnected" && typeof d.tokensSoftDeleted === "number") return `${d.tokensSoftDeleted} token(s) disconnected`;
  return null;
}
