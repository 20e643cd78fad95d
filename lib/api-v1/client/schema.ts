// Generated from the token API's OpenAPI document by `npm run api:client`. Do not edit by hand.
export interface paths {
  "/api/v1/pages": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List Pages
     * @description The workspace's connected Pages (those the key may reach), oldest first, with their token status.
     *
     *     Scope: `pages:read`.
     */
    get: operations["listPages"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/v1/pages/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Get a Page
     * @description One Page, by our id or Facebook's page id.
     *
     *     Scope: `pages:read`.
     */
    get: operations["getPage"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/v1/pages/{id}/token": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Get a Page token
     * @description Hands out the Page's usable token (recorded in the audit log with the key's name). A token known to be revoked, expired or invalid is never handed out: 409 with a reason and the dashboard URL to reconnect.
     *
     *     Scope: `tokens:read`.
     */
    post: operations["pageToken"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/v1/identities": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List connected accounts
     * @description The connected Facebook and TikTok accounts (user tokens) of the workspace, each with its `platform`. Keys limited to some Pages get 403.
     *
     *     Scope: `pages:read`.
     */
    get: operations["listIdentities"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/v1/identities/{id}/token": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Get a user token
     * @description Hands out a Facebook account's user token (for Ads automations). Same rules as Page tokens; keys limited to some Pages get 403.
     *
     *     Scope: `tokens:read`.
     */
    post: operations["identityToken"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    /** @description The one error format: {"error": {"code", "message"}}. */
    Error: {
      error: {
        /** @description Machine-readable: unauthorized, forbidden, not_found, invalid, rate_limited, token_revoked, … */
        code: string;
        /** @description What happened and what to do, in words. */
        message: string;
        /**
         * Format: uri
         * @description 409 only: the dashboard page where a member reconnects Facebook.
         */
        reconnect_url?: string;
      };
    };
  };
  responses: {
    /** @description No API key, or a wrong, revoked or expired one. */
    Error: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/json": components["schemas"]["Error"];
      };
    };
    /** @description Too many requests with this key. Wait `Retry-After` seconds. */
    RateLimited: {
      headers: {
        /** @description Requests allowed per window for this key. */
        "RateLimit-Limit"?: number;
        /** @description Requests left in this window. */
        "RateLimit-Remaining"?: number;
        /** @description Seconds until the window resets. */
        "RateLimit-Reset"?: number;
        /** @description Seconds to wait. */
        "Retry-After"?: number;
        [name: string]: unknown;
      };
      content: {
        "application/json": components["schemas"]["Error"];
      };
    };
  };
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  listPages: {
    parameters: {
      query?: {
        /** @description Only Pages whose token has this status (`none`: no token). */
        status?:
          "unchecked" | "active" | "expiring" | "expired" | "revoked" | "invalid" | "data_access_expiring" | "data_access_expired" | "none";
        /** @description Case-insensitive part of the Page name. */
        search?: string;
        limit?: number;
        /** @description `next_cursor` of the previous answer. */
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          /** @description Requests allowed per window for this key. */
          "RateLimit-Limit"?: number;
          /** @description Requests left in this window. */
          "RateLimit-Remaining"?: number;
          /** @description Seconds until the window resets. */
          "RateLimit-Reset"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            data: {
              /** @description Our id of the Page. */
              id: string;
              facebook_page_id: string;
              name: string;
              category: string | null;
              /** @description The connecting person's tasks on the Page (MANAGE, CREATE_CONTENT, MODERATE, …). */
              tasks: string[];
              /** @description Status of the Page token the API would hand out; null when the Page has none. */
              token_status:
                | ("unchecked" | "active" | "expiring" | "expired" | "revoked" | "invalid" | "data_access_expiring" | "data_access_expired")
                | null;
              /** @description null: the token does not expire (Page tokens from a long-lived login). */
              token_expires_at: string | null;
              /** @description When the token was last checked with Facebook (debug_token). */
              token_checked_at: string | null;
              identity: {
                id: string;
                name: string | null;
              } | null;
              /** @description null: no Instagram account linked (or instagram_basic not granted). */
              instagram: {
                /** @description The Instagram professional account's id (instagram_business_account.id). */
                ig_user_id: string;
                username: string | null;
                name: string | null;
                picture_url: string | null;
              } | null;
              /** @description What the Page token the API would hand out can do (publish, moderate, message, advertise, insights), from the Page's tasks, the permissions its login granted or declined and the token's status. */
              capabilities: {
                /** @enum {string} */
                capability: "publish" | "moderate" | "message" | "advertise" | "insights";
                can: boolean;
                /** @description Why not, when it cannot: "no CREATE_CONTENT task on this Page", "pages_manage_posts was declined", "token revoked". */
                reason: string | null;
              }[];
            }[];
            /** @description Pass as `cursor` for the next page; null on the last page. Stable under inserts. */
            next_cursor: string | null;
          };
        };
      };
      401: components["responses"]["Error"];
      /** @description The key lacks the scope, or is limited to some Pages and this endpoint reaches every Page. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description A parameter or body field is not valid; `message` names it. */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      429: components["responses"]["RateLimited"];
    };
  };
  getPage: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Our Page id (UUID) or Facebook's page id (digits). */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          /** @description Requests allowed per window for this key. */
          "RateLimit-Limit"?: number;
          /** @description Requests left in this window. */
          "RateLimit-Remaining"?: number;
          /** @description Seconds until the window resets. */
          "RateLimit-Reset"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @description Our id of the Page. */
            id: string;
            facebook_page_id: string;
            name: string;
            category: string | null;
            /** @description The connecting person's tasks on the Page (MANAGE, CREATE_CONTENT, MODERATE, …). */
            tasks: string[];
            /** @description Status of the Page token the API would hand out; null when the Page has none. */
            token_status:
              | ("unchecked" | "active" | "expiring" | "expired" | "revoked" | "invalid" | "data_access_expiring" | "data_access_expired")
              | null;
            /** @description null: the token does not expire (Page tokens from a long-lived login). */
            token_expires_at: string | null;
            /** @description When the token was last checked with Facebook (debug_token). */
            token_checked_at: string | null;
            identity: {
              id: string;
              name: string | null;
            } | null;
            /** @description null: no Instagram account linked (or instagram_basic not granted). */
            instagram: {
              /** @description The Instagram professional account's id (instagram_business_account.id). */
              ig_user_id: string;
              username: string | null;
              name: string | null;
              picture_url: string | null;
            } | null;
            /** @description What the Page token the API would hand out can do (publish, moderate, message, advertise, insights), from the Page's tasks, the permissions its login granted or declined and the token's status. */
            capabilities: {
              /** @enum {string} */
              capability: "publish" | "moderate" | "message" | "advertise" | "insights";
              can: boolean;
              /** @description Why not, when it cannot: "no CREATE_CONTENT task on this Page", "pages_manage_posts was declined", "token revoked". */
              reason: string | null;
            }[];
          };
        };
      };
      401: components["responses"]["Error"];
      /** @description The key lacks the scope, or is limited to some Pages and this endpoint reaches every Page. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Not in this workspace (or not among the key's Pages): the same answer as for an id that never existed. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      429: components["responses"]["RateLimited"];
    };
  };
  pageToken: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Our Page id (UUID) or Facebook's page id (digits). */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        "application/json": {
          /**
           * @description Check the token with Facebook (debug_token) before handing it out, and store the result.
           * @default false
           */
          verify?: boolean;
        };
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          /** @description Requests allowed per window for this key. */
          "RateLimit-Limit"?: number;
          /** @description Requests left in this window. */
          "RateLimit-Remaining"?: number;
          /** @description Seconds until the window resets. */
          "RateLimit-Reset"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @description The usable access token. Treat it as a secret: never log it. */
            token: string;
            /** @enum {string} */
            token_type: "page" | "user";
            /**
             * @description Whose account or token this is: Facebook's or TikTok's.
             * @enum {string}
             */
            platform: "facebook" | "tiktok";
            /** @description null: does not expire. */
            expires_at: string | null;
            /** @description Page tokens: the tasks on the Page. User tokens: empty. */
            tasks: string[];
            scopes: string[];
            /**
             * @description Token health: `active`, `expiring` (expires soon), `unchecked` (not checked yet) and `data_access_expiring` (the person's 90-day data access lapses soon) are usable; `expired`, `revoked`, `invalid` are not, and `data_access_expired` reads nothing until the person re-approves the app on Facebook.
             * @enum {string}
             */
            status:
              "unchecked" | "active" | "expiring" | "expired" | "revoked" | "invalid" | "data_access_expiring" | "data_access_expired";
            checked_at: string | null;
            facebook_page_id: string | null;
            facebook_user_id: string;
          };
        };
      };
      /** @description The body is not JSON. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      401: components["responses"]["Error"];
      /** @description The key lacks the scope, or is limited to some Pages and this endpoint reaches every Page. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Not in this workspace (or not among the key's Pages): the same answer as for an id that never existed. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The token is known to be revoked, expired or invalid: `code` is token_revoked, token_expired or token_invalid, `reconnect_url` the dashboard page to reconnect. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description A parameter or body field is not valid; `message` names it. */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      429: components["responses"]["RateLimited"];
      /** @description Facebook could not be asked (verify: true). Nothing was handed out. */
      502: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  listIdentities: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          /** @description Requests allowed per window for this key. */
          "RateLimit-Limit"?: number;
          /** @description Requests left in this window. */
          "RateLimit-Remaining"?: number;
          /** @description Seconds until the window resets. */
          "RateLimit-Reset"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            data: {
              id: string;
              /**
               * @description Whose account or token this is: Facebook's or TikTok's.
               * @enum {string}
               */
              platform: "facebook" | "tiktok";
              /** @description The app-scoped Facebook user id (for a TikTok account: its open_id). */
              facebook_user_id: string;
              name: string | null;
              /** @description Permissions the person granted. */
              scopes: string[];
              token_status:
                | ("unchecked" | "active" | "expiring" | "expired" | "revoked" | "invalid" | "data_access_expiring" | "data_access_expired")
                | null;
              token_expires_at: string | null;
              token_checked_at: string | null;
            }[];
          };
        };
      };
      401: components["responses"]["Error"];
      /** @description The key lacks the scope, or is limited to some Pages and this endpoint reaches every Page. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description A parameter or body field is not valid; `message` names it. */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      429: components["responses"]["RateLimited"];
    };
  };
  identityToken: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Our identity id (UUID), from GET /api/v1/identities. */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        "application/json": {
          /**
           * @description Check the token with Facebook (debug_token) before handing it out, and store the result.
           * @default false
           */
          verify?: boolean;
        };
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          /** @description Requests allowed per window for this key. */
          "RateLimit-Limit"?: number;
          /** @description Requests left in this window. */
          "RateLimit-Remaining"?: number;
          /** @description Seconds until the window resets. */
          "RateLimit-Reset"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @description The usable access token. Treat it as a secret: never log it. */
            token: string;
            /** @enum {string} */
            token_type: "page" | "user";
            /**
             * @description Whose account or token this is: Facebook's or TikTok's.
             * @enum {string}
             */
            platform: "facebook" | "tiktok";
            /** @description null: does not expire. */
            expires_at: string | null;
            /** @description Page tokens: the tasks on the Page. User tokens: empty. */
            tasks: string[];
            scopes: string[];
            /**
             * @description Token health: `active`, `expiring` (expires soon), `unchecked` (not checked yet) and `data_access_expiring` (the person's 90-day data access lapses soon) are usable; `expired`, `revoked`, `invalid` are not, and `data_access_expired` reads nothing until the person re-approves the app on Facebook.
             * @enum {string}
             */
            status:
              "unchecked" | "active" | "expiring" | "expired" | "revoked" | "invalid" | "data_access_expiring" | "data_access_expired";
            checked_at: string | null;
            facebook_page_id: string | null;
            facebook_user_id: string;
          };
        };
      };
      /** @description The body is not JSON. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      401: components["responses"]["Error"];
      /** @description The key lacks the scope, or is limited to some Pages and this endpoint reaches every Page. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Not in this workspace (or not among the key's Pages): the same answer as for an id that never existed. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The token is known to be revoked, expired or invalid: `code` is token_revoked, token_expired or token_invalid, `reconnect_url` the dashboard page to reconnect. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description A parameter or body field is not valid; `message` names it. */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      429: components["responses"]["RateLimited"];
      /** @description Facebook could not be asked (verify: true). Nothing was handed out. */
      502: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
}
