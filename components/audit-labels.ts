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
  "api_key.created": "API key created",
  "api_key.revoked": "API key revoked",
  "token.handed_out": "Token handed out to an automation",
  "webhook_endpoint.created": "Webhook endpoint added",
  "webhook_endpoint.updated": "Webhook endpoint changed",
  "webhook_endpoint.enabled": "Webhook endpoint enabled",
  "webhook_endpoint.disabled": "Webhook endpoint disabled",
  "webhook_endpoint.deleted": "Webhook endpoint deleted",
  "tiktok.connected": "TikTok connected",
  "tiktok.refresh_failed": "TikTok refresh refused: reconnect needed",
  "identity.revoked_on_tiktok": "App access revoked on TikTok",
  "facebook.user_token_replaced": "User token replaced by another Facebook login",
};

/** A short, token-free summary of an event's details. */
export function auditSummary(action: string, details: unknown, relatedName: string | null = null): string | null {
  if (!details || typeof details !== "object" || Array.isArray(details)) return null;
  const d = details as Record<string, unknown>;
  if (action === "token.status_changed" && typeof d.from === "string" && typeof d.to === "string") {
    return `${d.from} → ${d.to}${typeof d.via === "string" ? ` (${d.via.replaceAll("_", " ")})` : ""}`;
  }
  if (action === "facebook.connected" && typeof d.pages === "number") return `${d.pages} Page${d.pages === 1 ? "" : "s"}`;
  if (action === "member.added" && typeof d.role === "string") return `as ${d.role}`;
  if (action === "token.handed_out" && typeof d.apiKeyName === "string") {
    return `${d.tokenType === "user" ? "user token" : "Page token"} via API key “${d.apiKeyName}”${typeof d.apiKeyPrefix === "string" ? ` (${d.apiKeyPrefix}…)` : ""}`;
  }
  if ((action === "api_key.created" || action === "api_key.revoked") && typeof d.prefix === "string") return `${d.prefix}…`;
  if (action.startsWith("webhook_endpoint.") && typeof d.host === "string") {
    return `${d.host}${d.reason === "sustained_failure" ? " (failed for about a day)" : ""}`;
  }
  if (action === "facebook.user_token_replaced") return `by ${relatedName ?? "another login"}'s login; its Page tokens keep working`;
  if ((action === "member.added" || action === "member.joined") && typeof d.role === "string") return `as ${d.role}`;
  if (action === "member.role_changed" && typeof d.from === "string" && typeof d.to === "string") return `${d.from} → ${d.to}`;
  if (action === "member.removed" && d.connections === "disconnect") return "their Facebook connections disconnected";
  if (action === "member.removed" && d.connections === "keep") return "their Facebook connections kept";
  if (action.startsWith("invitation.") && typeof d.email === "string" && typeof d.role === "string") return `${d.email} as ${d.role}`;
  if (action === "identity.disconnected" && typeof d.tokensSoftDeleted === "number") return `${d.tokensSoftDeleted} token(s) disconnected`;
  return null;
}
