import type { TokenStatus } from "../db/generated/enums";

/**
 * What a Page's token can do, and why not. Pure (no database, no secrets): the dashboard computes it from the Page's
 * `tasks`, the scopes the person granted or declined at consent and the token's status, and so can any API.
 *
 * Meta's rules: a Page token acts with its person's tasks on the Page (MANAGE covers them all) and the app's granted
 * permissions; a dead token does nothing, and one whose 90-day data access lapsed reads and writes nothing until
 * the person re-approves.
 */

export const PAGE_TASKS = ["MANAGE", "CREATE_CONTENT", "MODERATE", "MESSAGING", "ADVERTISE", "ANALYZE"] as const;
export type PageTask = (typeof PAGE_TASKS)[number];

export const CAPABILITIES = ["publish", "moderate", "message", "advertise", "insights"] as const;
export type Capability = (typeof CAPABILITIES)[number];

interface Rule {
  /** Short label for a chip. */
  label: string;
  /** The task that grants it (MANAGE grants every capability too). */
  task: PageTask;
  /** Every one of these permissions must be granted. */
  scopes: string[];
}

export const CAPABILITY_RULES: Record<Capability, Rule> = {
  publish: { label: "Post", task: "CREATE_CONTENT", scopes: ["pages_manage_posts", "pages_read_engagement"] },
  moderate: { label: "Moderate", task: "MODERATE", scopes: ["pages_manage_engagement"] },
  message: { label: "Message", task: "MESSAGING", scopes: ["pages_messaging"] },
  advertise: { label: "Ads", task: "ADVERTISE", scopes: ["ads_management"] },
  insights: { label: "Insights", task: "ANALYZE", scopes: ["read_insights"] },
};

export interface CapabilityVerdict {
  capability: Capability;
  label: string;
  can: boolean;
  /** Why not, in words a person can act on; null when it can. */
  reason: string | null;
}

/** Token statuses that still act on Facebook (expiring soon still works today). */
const WORKING: ReadonlySet<TokenStatus> = new Set<TokenStatus>(["active", "expiring", "unchecked", "data_access_expiring"]);

const STATUS_REASON: Partial<Record<TokenStatus | "none", string>> = {
  none: "no active token for this Page",
  expired: "token expired",
  revoked: "token revoked",
  invalid: "token no longer accepted by Facebook",
  data_access_expired: "90-day data access expired (re-approve)",
};

export interface CapabilityInput {
  tasks: readonly string[];
  grantedScopes: readonly string[];
  declinedScopes: readonly string[];
  /** The Page token's status; "none" when the Page has no active token. */
  tokenStatus: TokenStatus | "none";
}

function reasonFor(rule: Rule, input: CapabilityInput): string | null {
  if (!WORKING.has(input.tokenStatus as TokenStatus)) return STATUS_REASON[input.tokenStatus] ?? "token not usable";
  if (!input.tasks.includes(rule.task) && !input.tasks.includes("MANAGE")) return `no ${rule.task} task on this Page`;
  const declined = rule.scopes.filter((s) => input.declinedScopes.includes(s));
  if (declined.length) return `${declined.join(" and ")} ${declined.length > 1 ? "were" : "was"} declined`;
  const missing = rule.scopes.filter((s) => !input.grantedScopes.includes(s));
  if (missing.length) return `${missing.join(" and ")} ${missing.length > 1 ? "were" : "was"} not granted`;
  return null;
}

/** One verdict per capability, in CAPABILITIES order. */
export function pageCapabilities(input: CapabilityInput): CapabilityVerdict[] {
  return CAPABILITIES.map((capability) => {
    const rule = CAPABILITY_RULES[capability];
    const reason = reasonFor(rule, input);
    return { capability, label: rule.label, can: reason === null, reason };
  });
}
