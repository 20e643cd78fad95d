/**
 * The dashboard's JSON endpoints: method and path, client-safe (no zod, no server code), so that components build
 * no URL by hand. Their bodies, parameters and answers are in contract.ts; the typed client is components/api.ts.
 */

export const workspaceRoutes = {
  createWorkspace: { method: "POST", path: "/api/t" },
  inviteMember: { method: "POST", path: "/api/t/{slug}/invitations" },
  resendInvitation: { method: "POST", path: "/api/t/{slug}/invitations/{invitationId}/resend" },
  revokeInvitation: { method: "POST", path: "/api/t/{slug}/invitations/{invitationId}/revoke" },
  changeMemberRole: { method: "POST", path: "/api/t/{slug}/members/{membershipId}/role" },
  removeMember: { method: "POST", path: "/api/t/{slug}/members/{membershipId}/remove" },
  leaveWorkspace: { method: "POST", path: "/api/t/{slug}/leave" },
  checkToken: { method: "POST", path: "/api/t/{slug}/tokens/{tokenId}/check" },
  disconnectPage: { method: "POST", path: "/api/t/{slug}/pages/{pageId}/disconnect" },
  disconnectIdentity: { method: "POST", path: "/api/t/{slug}/identities/{identityId}/disconnect" },
  createApiKey: { method: "POST", path: "/api/t/{slug}/api-keys" },
  revokeApiKey: { method: "POST", path: "/api/t/{slug}/api-keys/{keyId}/revoke" },
  createWebhookEndpoint: { method: "POST", path: "/api/t/{slug}/webhooks" },
  updateWebhookEndpoint: { method: "POST", path: "/api/t/{slug}/webhooks/{endpointId}" },
  deleteWebhookEndpoint: { method: "POST", path: "/api/t/{slug}/webhooks/{endpointId}/delete" },
  testWebhookEndpoint: { method: "POST", path: "/api/t/{slug}/webhooks/{endpointId}/test" },
  redeliverWebhook: { method: "POST", path: "/api/t/{slug}/webhook-deliveries/{deliveryId}/redeliver" },
  setNotificationMode: { method: "POST", path: "/api/t/{slug}/notifications" },
  bulkPages: { method: "POST", path: "/api/t/{slug}/pages/bulk" },
} as const;

export type WorkspaceRouteName = keyof typeof workspaceRoutes;

/** `{slug: string; tokenId: string}` for "/api/t/{slug}/tokens/{tokenId}/check". */
export type PathParams<Path extends string> = Path extends `${string}{${infer Name}}${infer Rest}`
  ? { [K in Name | keyof PathParams<Rest>]: string }
  : Record<never, string>;

/** Fills a path template; every value is percent-encoded. */
export function buildPath<Path extends string>(template: Path, params: PathParams<Path>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = (params as Record<string, string | undefined>)[name];
    if (value === undefined) throw new Error(`Missing path parameter ${name} for ${template}`);
    return encodeURIComponent(value);
  });
}
