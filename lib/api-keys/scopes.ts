/** The token API's scopes (client-safe: the dashboard's create form lists them). */
export const API_SCOPES = ["pages:read", "tokens:read"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const SCOPE_LABEL: Record<ApiScope, string> = {
  "pages:read": "List Pages and Facebook accounts with their token status",
  "tokens:read": "Receive usable Page and user tokens",
};
