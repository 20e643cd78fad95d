import "server-only";
import type { GraphClient } from "../facebook/graph-client";
import { exchangeForLongLivedToken, type ExchangedToken } from "../facebook/oauth";
import {
  fetchAllPages,
  fetchPermissions,
  fetchProfile,
  type FacebookProfile,
  type ManagedPage,
  type Permissions,
} from "../facebook/user-data";
import { REQUIRED_SCOPES } from "../facebook/config";
import { fetchBusinessPages, mergePagesById } from "../facebook/business-pages";
import { ConnectError, toConnectError, type ConnectStep } from "./connect-error";

/** Everything Facebook tells us about a connection, gathered before anything is written. */
export interface FacebookConnection {
  userToken: ExchangedToken;
  profile: FacebookProfile;
  permissions: Permissions;
  pages: ManagedPage[];
}

async function step<T>(name: ConnectStep, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toConnectError(name, err);
  }
}

/**
 * Exchange → /me → /me/permissions → every page of /me/accounts → (with business_management) every business's
 * owned and client Pages, de-duplicated by Page id. Throws ConnectError naming the step.
 */
export async function fetchFacebookConnection(graph: GraphClient, shortLivedToken: string): Promise<FacebookConnection> {
  const userToken = await step("exchange", () => exchangeForLongLivedToken(graph, shortLivedToken));
  const profile = await step("profile", () => fetchProfile(graph, userToken.accessToken));
  const permissions = await step("permissions", () => fetchPermissions(graph, userToken.accessToken));
  const missing = REQUIRED_SCOPES.filter((s) => !permissions.granted.includes(s));
  if (missing.length) {
    throw new ConnectError(
      "permissions",
      "missing_permission",
      `You did not allow ${missing.map((s) => `"${s}"`).join(", ")}, which we need to list your Pages. ` +
        `Connect again and keep ${missing.length > 1 ? "them" : "it"} ticked.`,
      permissions.declined,
    );
  }
  const pages = await step("pages", async () => {
    const direct = await fetchAllPages(graph, userToken.accessToken);
    if (!permissions.granted.includes("business_management")) return direct;
    return mergePagesById(direct, await fetchBusinessPages(graph, userToken.accessToken));
  });
  if (pages.length === 0) {
    throw new ConnectError(
      "pages",
      "no_pages",
      "Facebook shared no Pages with us. Connect again and tick the Pages you want to manage " +
        "(you need a role on a Page to connect it).",
      permissions.declined,
    );
  }
  return { userToken, profile, permissions, pages };
}
