import "server-only";
import { env } from "../env";

export interface FacebookConfig {
  appId: string;
  appSecret: string;
  apiVersion: string;
  /** e.g. https://graph.facebook.com/v24.0 */
  graphBase: string;
  /** e.g. https://www.facebook.com/v24.0 */
  dialogBase: string;
  appsecretProof: boolean;
  timeoutMs: number;
}

const trim = (u: string) => u.replace(/\/+$/, "");

export function facebookConfig(): FacebookConfig {
  const e = env();
  return {
    appId: e.FACEBOOK_APP_ID,
    appSecret: e.FACEBOOK_APP_SECRET,
    apiVersion: e.FACEBOOK_API_VERSION,
    graphBase: `${trim(e.FACEBOOK_GRAPH_URL)}/${e.FACEBOOK_API_VERSION}`,
    dialogBase: `${trim(e.FACEBOOK_DIALOG_URL)}/${e.FACEBOOK_API_VERSION}`,
    appsecretProof: e.FACEBOOK_APPSECRET_PROOF,
    timeoutMs: e.FACEBOOK_TIMEOUT_MS,
  };
}

/**
 * Scopes the app asks for when connecting: list Pages (and their business portfolios), publish, moderate, message,
 * read insights, advertise, and the Instagram professional accounts linked to the Pages (`ads_management` also
 * covers Meta's requirement for Instagram accounts whose Page role comes from Business Manager).
 */
export const FACEBOOK_SCOPES = [
  "public_profile",
  "email",
  "pages_show_list",
  "pages_read_engagement",
  "pages_manage_posts",
  "pages_manage_engagement",
  "pages_messaging",
  "read_insights",
  "ads_management",
  "business_management",
  "instagram_basic",
  "instagram_content_publish",
];
/** Without these a connection is useless: refused, with a message saying to allow them. */
export const REQUIRED_SCOPES = ["pages_show_list"];
