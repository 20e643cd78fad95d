import "server-only";
import type { Db } from "../db/client";
import { withTenant, type Tx } from "../db/tenant-transaction";
import { env } from "../env";
import { logger } from "../log/logger";
import { sendMail } from "../mail/send-mail";
import { ok, type Result } from "../http/result";
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

const KIND_WORDS: Record<AlertKind, { subject: (n: number) => string; lead: string }> = {
  revoked: {
    subject: (n) => `${n} Facebook token${n === 1 ? "" : "s"} revoked`,
    lead: "Facebook revoked these tokens; automations using them have stopped.",
  },
  expired: {
    subject: (n) => `${n} Facebook token${n === 1 ? "" : "s"} expired`,
    lead: "These tokens expired; automations using them have stopped.",
  },
  invalid: { subject: (n) => `${n} Facebook token${n === 1 ? "" : "s"} no longer valid`, lead: "Facebook no longer accepts these tokens." },
  expiring: {
    subject: (n) => `${n} Facebook connection${n === 1 ? "" : "s"} expire${n === 1 ? "s" : ""} soon`,
    lead: "These user tokens expire soon; reconnect before they do.",
  },
  webhook_disabled: {
    subject: () => "A webhook endpoint was disabled",
    lead: "A webhook endpoint failed every delivery for about a day and was disabled. Fix it, then enable it again in Settings → Webhooks.",
  },
};

function appUrl(): string {
  return (env().AUTH_URL ?? "http://localhost:3000").replace(/\/$/, "");
}

async function describeTokens(tx: Tx, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.adToken.findMany({
    where: { id: { in: [...ids] } },
    select: {
      id: true,
      tokenType: true,
      expiresAt: true,
      socialIdentity: { select: { name: true } },
      facebookPage: { select: { name: true } },
    },
    take: 50,
  });
  return new Map(
    rows.map((r) => [
      r.id,
      r.tokenType === "page"
        ? `Page “${r.facebookPage?.name ?? "unknown"}” (connected by ${r.socialIdentity.name ?? "a member"})`
        : `${r.socialIdentity.name ?? "A member"}'s Facebook login${r.expiresAt ? ` (expires ${r.expiresAt.toISOString().slice(0, 10)})` : ""}`,
    ]),
  );
}

export async function sendAlertEmail(
  data: { tenantId: string; alertId: string; phase: "immediate" | "digest" },
  client: Db,
): Promise<{ sent: number }> {
  const { tenantId, alertId, phase } = data;
  const plan = await withTenant(
    tenantId,
    async (tx) => {
      const alert = await tx.alertEmail.findUnique({ where: { id: alertId } });
      if (!alert) return null;
      if (phase === "immediate" && alert.sentAt) return null;
      if (phase === "digest" && alert.digestSentAt) return null;
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
      const later = all.slice(alert.immediateCount);
      const recipients = members
        .filter((m) => m.user.email)
        .map((m) => ({ userId: m.userId, email: m.user.email as string, mode: prefs.get(m.userId) ?? "immediate" }))
        .map((r) => ({
          ...r,
          tokenIds:
            phase === "immediate" ? (r.mode === "immediate" ? all : []) : r.mode === "digest" ? all : r.mode === "immediate" ? later : [],
        }))
        .filter(
          (r) =>
            r.tokenIds.length > 0 ||
            (kind === "webhook_disabled" &&
              ((phase === "immediate" && r.mode === "immediate") || (phase === "digest" && r.mode === "digest"))),
        );
      const lines = await describeTokens(tx, all);
      if (phase === "immediate")
        await tx.alertEmail.update({ where: { id: alertId }, data: { sentAt: new Date(), immediateCount: all.length } });
      else await tx.alertEmail.update({ where: { id: alertId }, data: { digestSentAt: new Date() } });
      return { tenant, kind, recipients, lines, day: alert.day };
    },
    { client },
  );
  if (!plan) return { sent: 0 };
  const base = appUrl();
  let sent = 0;
  for (const r of plan.recipients) {
    const mine = r.tokenIds.flatMap((id) => {
      const text = plan.lines.get(id);
      return text ? [text] : [];
    });
    const count = r.tokenIds.length;
    const words = KIND_WORDS[plan.kind];
    const unsubscribe = `${base}/api/alerts/unsubscribe?t=${unsubscribeToken(tenantId, r.userId)}`;
    const reconnect = `${base}/t/${plan.tenant.slug}/reconnect`;
    const digest = phase === "digest" ? ` (daily digest, ${plan.day.toISOString().slice(0, 10)})` : "";
    const text = [
      `${words.lead}`,
      "",
      `Workspace: ${plan.tenant.name}`,
      ...mine.map((l) => `  - ${l}`),
      ...(count > mine.length ? [`  … and ${count - mine.length} more`] : []),
      "",
      plan.kind === "webhook_disabled" ? `Webhooks: ${base}/t/${plan.tenant.slug}/settings/webhooks` : `Reconnect: ${reconnect}`,
      "",
      `You get this because you are an owner or admin of ${plan.tenant.name}. Choose immediate, daily digest or off in`,
      `${base}/t/${plan.tenant.slug}/settings/notifications — or stop these emails: ${base}/unsubscribe?t=${unsubscribeToken(tenantId, r.userId)}`,
    ].join("\n");
    try {
      await sendMail({
        kind: `alert.${plan.kind}`,
        to: r.email,
        subject: `[Social Tokens] ${plan.tenant.name}: ${words.subject(count)}${digest}`,
        text,
        headers: { "List-Unsubscribe": `<${unsubscribe}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
      });
      sent++;
    } catch (err) {
      logger.error("alerts.email_failed", { tenantId, alertId, err });
    }
  }
  return { sent };
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
