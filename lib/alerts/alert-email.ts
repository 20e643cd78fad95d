import "server-only";
import type { Db } from "../db/client";
import { withTenant, type Tx } from "../db/tenant-transaction";
import { env } from "../env";
import { logger } from "../log/logger";
import { sendMail } from "../mail/send-mail";
import { ok, type Result } from "../http/result";
import type { Platform } from "../db/generated/enums";
import type { JobMeta } from "../jobs/run-due";
import type { AlertKind } from "./alert-queue";
import { unsubscribeToken } from "./unsubscribe-token";

/**
 * The alert_email job: builds and sends one alert (phase "immediate") or one day's digest (phase "digest") for a
 * workspace. Recipients: the workspace's owners and admins (owners only for a disabled webhook endpoint) with an
 * email address, by their choice (immediate / daily digest / off; default immediate). Every email carries a deep
 * link that starts the reconnect and a one-click unsubscribe (List-Unsubscribe + List-Unsubscribe-Post).
 * Names only — never a token.
 */

export type EmailMode = "immediate" | "digest" | "off";

const PLATFORMS: readonly Platform[] = ["facebook", "tiktok"];
const PLATFORM_NAMES: Record<Platform, string> = { facebook: "Facebook", tiktok: "TikTok" };

/** Who the email is about: "Facebook", "TikTok" or "Facebook and TikTok", and what their credentials are called. */
function platformWords(platforms: Iterable<Platform>): { on: string; things: string } {
  const set = new Set(platforms);
  const names = PLATFORMS.filter((p) => set.has(p)).map((p) => PLATFORM_NAMES[p]);
  // Facebook's are tokens (user and Page tokens); a TikTok connection is an account kept alive by its refresh token.
  return { on: names.length > 0 ? names.join(" and ") : "Facebook", things: set.has("tiktok") ? "connection" : "token" };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

type Words = ReturnType<typeof platformWords>;

/** Subject and first line per alert kind, worded for the platforms involved (a TikTok account gets no Facebook wording). */
const KIND_WORDS: Record<AlertKind, { subject: (n: number, w: Words) => string; lead: (w: Words) => string }> = {
  revoked: {
    subject: (n, w) => `${plural(n, `${w.on} ${w.things}`)} revoked`,
    lead: (w) => `${w.on} revoked these ${w.things}s; automations using them have stopped.`,
  },
  expired: {
    subject: (n, w) => `${plural(n, `${w.on} ${w.things}`)} expired`,
    lead: (w) => `These ${w.on} ${w.things}s expired; automations using them have stopped.`,
  },
  invalid: {
    subject: (n, w) => `${plural(n, `${w.on} ${w.things}`)} no longer valid`,
    lead: (w) => `${w.on} no longer accepts these ${w.things}s.`,
  },
  expiring: {
    subject: (n, w) => `${plural(n, `${w.on} connection`)} expire${n === 1 ? "s" : ""} soon`,
    lead: (w) => `These ${w.on} connections expire soon; reconnect before they do.`,
  },
  data_access_expiring: {
    subject: (n) => `Facebook data access of ${plural(n, "login")} lapses soon`,
    lead: () =>
      "Facebook's 90-day data access of these logins lapses soon: after it their tokens stay valid but read nothing. The person re-approves the app on Facebook to renew it.",
  },
  data_access_expired: {
    subject: (n) => `Facebook data access of ${plural(n, "login")} expired`,
    lead: () =>
      "Facebook's 90-day data access of these logins has lapsed: their tokens are valid but read nothing, so automations using them get no data. The person re-approves the app on Facebook to restore it.",
  },
  webhook_disabled: {
    subject: () => "A webhook endpoint was disabled",
    lead: () =>
      "A webhook endpoint failed every delivery for about a day and was disabled. Fix it, then enable it again in Settings → Webhooks.",
  },
};

/** The alert's wording for these platforms: subject (count included) and lead line. */
export function alertWords(kind: AlertKind, count: number, platforms: Iterable<Platform>): { subject: string; lead: string } {
  const w = platformWords(platforms);
  return { subject: KIND_WORDS[kind].subject(count, w), lead: KIND_WORDS[kind].lead(w) };
}

function appUrl(): string {
  return (env().AUTH_URL ?? "http://localhost:3000").replace(/\/$/, "");
}

interface TokenLine {
  text: string;
  platform: Platform;
}

async function describeTokens(tx: Tx, ids: readonly string[]): Promise<Map<string, TokenLine>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.adToken.findMany({
    where: { id: { in: [...ids] } },
    select: {
      id: true,
      platform: true,
      tokenType: true,
      expiresAt: true,
      refreshExpiresAt: true,
      socialIdentity: { select: { name: true } },
      facebookPage: { select: { name: true } },
    },
    take: 50,
  });
  return new Map(rows.map((r) => [r.id, { text: describeToken(r), platform: r.platform }]));
}

function describeToken(r: {
  platform: Platform;
  tokenType: string;
  expiresAt: Date | null;
  refreshExpiresAt: Date | null;
  socialIdentity: { name: string | null };
  facebookPage: { name: string } | null;
}): string {
  const day = (d: Date | null) => (d ? ` (expires ${d.toISOString().slice(0, 10)})` : "");
  // A TikTok connection lives as long as its refresh token (the access token is renewed every ~2 hours).
  if (r.platform === "tiktok") return `${r.socialIdentity.name ?? "A member"}'s TikTok account${day(r.refreshExpiresAt)}`;
  if (r.tokenType === "page") return `Page “${r.facebookPage?.name ?? "unknown"}” (connected by ${r.socialIdentity.name ?? "a member"})`;
  return `${r.socialIdentity.name ?? "A member"}'s Facebook login${day(r.expiresAt)}`;
}

export class AlertEmailFailed extends Error {}

/**
 * Sends what is still unsent of one alert email job. Each recipient is recorded on the alert's row once their
 * email went out (sent_to / digest_sent_to), so a retry sends only to those still missing. When any send failed
 * (SMTP down), the job throws and the engine retries it with its queue's back-off (alert_email: 30 s doubling, 8
 * retries, about two hours in all); the recipients already served are not mailed again.
 */
export async function sendAlertEmail(
  data: { tenantId: string; alertId: string; phase: "immediate" | "digest" },
  client: Db,
  meta: Pick<JobMeta, "attempt" | "lastAttempt"> = { attempt: 1, lastAttempt: true },
): Promise<{ sent: number; failed: number }> {
  const { tenantId, alertId, phase } = data;
  const plan = await withTenant(
    tenantId,
    async (tx) => {
      let alert = await tx.alertEmail.findUnique({ where: { id: alertId } });
      if (!alert) return null;
      // The first attempt fixes what the immediate email covers (later alerts that day go to the digest).
      if (phase === "immediate" && !alert.sentAt)
        alert = await tx.alertEmail.update({ where: { id: alertId }, data: { sentAt: new Date(), immediateCount: alert.tokenIds.length } });
      if (phase === "digest" && !alert.digestSentAt)
        alert = await tx.alertEmail.update({ where: { id: alertId }, data: { digestSentAt: new Date() } });
      const done = new Set(phase === "immediate" ? alert.sentTo : alert.digestSentTo);
      const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, select: { slug: true, name: true } });
      if (!tenant) return null;
      const kind = alert.kind as AlertKind;
      const roles = kind === "webhook_disabled" ? (["owner"] as const) : (["owner", "admin"] as const);
      const members = await tx.membership.findMany({
        where: { deletedAt: null, role: { in: [...roles] } },
        select: { userId: true, user: { select: { email: true } } },
      });
      const prefs = new Map(
        (await tx.notificationPreference.findMany({ select: { userId: true, emailMode: true } })).map((p) => [
          p.userId,
          p.emailMode as EmailMode,
        ]),
      );
      const all = alert.tokenIds;
      const immediate = all.slice(0, alert.immediateCount);
      const later = all.slice(alert.immediateCount);
      const recipients = members
        .filter((m) => m.user.email && !done.has(m.userId))
        .map((m) => ({ userId: m.userId, email: m.user.email as string, mode: prefs.get(m.userId) ?? "immediate" }))
        .map((r) => ({
          ...r,
          tokenIds:
            phase === "immediate"
              ? r.mode === "immediate"
                ? immediate
                : []
              : r.mode === "digest"
                ? all
                : r.mode === "immediate"
                  ? later
                  : [],
        }))
        .filter(
          (r) =>
            r.tokenIds.length > 0 ||
            (kind === "webhook_disabled" &&
              ((phase === "immediate" && r.mode === "immediate") || (phase === "digest" && r.mode === "digest"))),
        );
      const lines = await describeTokens(tx, all);
      return { tenant, kind, recipients, lines, day: alert.day };
    },
    { client },
  );
  if (!plan || plan.recipients.length === 0) return { sent: 0, failed: 0 };
  const base = appUrl();
  const served: string[] = [];
  let failed = 0;
  for (const r of plan.recipients) {
    const mine = r.tokenIds.flatMap((id) => {
      const line = plan.lines.get(id);
      return line ? [line] : [];
    });
    const platforms = new Set(mine.map((l) => l.platform));
    const count = r.tokenIds.length;
    const words = alertWords(plan.kind, count, platforms);
    const unsubscribe = `${base}/api/alerts/unsubscribe?t=${unsubscribeToken(tenantId, r.userId)}`;
    // The reconnect page starts Facebook's flow; TikTok is reconnected from the workspace's page.
    const reconnect =
      platforms.has("facebook") || platforms.size === 0 ? `${base}/t/${plan.tenant.slug}/reconnect` : `${base}/t/${plan.tenant.slug}`;
    const digest = phase === "digest" ? ` (daily digest, ${plan.day.toISOString().slice(0, 10)})` : "";
    const text = [
      words.lead,
      "",
      `Workspace: ${plan.tenant.name}`,
      ...mine.map((l) => `  - ${l.text}`),
      ...(count > mine.length ? [`  … and ${count - mine.length} more`] : []),
      "",
      plan.kind === "webhook_disabled"
        ? `Webhooks: ${base}/t/${plan.tenant.slug}/settings/webhooks`
        : plan.kind === "data_access_expiring" || plan.kind === "data_access_expired"
          ? `Re-approve on Facebook: ${reconnect}`
          : `Reconnect: ${reconnect}`,
      "",
      `You get this because you are an owner or admin of ${plan.tenant.name}. Choose immediate, daily digest or off in`,
      `${base}/t/${plan.tenant.slug}/settings/notifications — or stop these emails: ${base}/unsubscribe?t=${unsubscribeToken(tenantId, r.userId)}`,
    ].join("\n");
    try {
      const result = await sendMail({
        kind: `alert.${plan.kind}`,
        to: r.email,
        subject: `[Social Tokens] ${plan.tenant.name}: ${words.subject}${digest}`,
        text,
        headers: { "List-Unsubscribe": `<${unsubscribe}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
      });
      if (result.sent) served.push(r.userId);
    } catch (err) {
      failed++;
      logger.error("alerts.email_failed", { tenantId, alertId, phase, attempt: meta.attempt, lastAttempt: meta.lastAttempt, err });
    }
  }
  if (served.length > 0) {
    await withTenant(
      tenantId,
      (tx) =>
        phase === "immediate"
          ? tx.$executeRaw`UPDATE alert_emails SET sent_to = sent_to || ${served}::uuid[] WHERE id = ${alertId}::uuid`
          : tx.$executeRaw`UPDATE alert_emails SET digest_sent_to = digest_sent_to || ${served}::uuid[] WHERE id = ${alertId}::uuid`,
      { client },
    );
  }
  if (failed > 0 && !meta.lastAttempt) {
    throw new AlertEmailFailed(`${failed} of ${plan.recipients.length} alert emails could not be sent; the job engine retries them.`);
  }
  return { sent: served.length, failed };
}

/** The member's own choice for a workspace (default immediate). */
export async function setEmailMode(client: Db | undefined, tenantId: string, userId: string, mode: EmailMode): Promise<void> {
  await withTenant(
    tenantId,
    (tx) =>
      tx.notificationPreference.upsert({
        where: { tenantId_userId: { tenantId, userId } },
        create: { tenantId, userId, emailMode: mode },
        update: { emailMode: mode },
      }),
    { client },
  );
}

/** The dashboard's "my alert emails for this workspace" setting (any member may set their own). */
export async function setMyEmailMode(
  access: { tenantId: string; userId: string },
  mode: EmailMode,
  deps: { client?: Db } = {},
): Promise<Result<{ mode: EmailMode }>> {
  await setEmailMode(deps.client, access.tenantId, access.userId, mode);
  return ok({ mode });
}

export async function myEmailMode(tx: Tx, userId: string): Promise<EmailMode> {
  const row = await tx.notificationPreference.findFirst({ where: { userId }, select: { emailMode: true } });
  return (row?.emailMode as EmailMode | undefined) ?? "immediate";
}
