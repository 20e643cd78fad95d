import "server-only";
import nodemailer, { type Transporter } from "nodemailer";
import { env } from "../env";
import { logger } from "../log/logger";

/**
 * Outgoing email through SMTP (`SMTP_URL`, nodemailer). One transport per process. Without SMTP_URL nothing is sent:
 * the caller learns it (`sent: false`) and the log says what to set. Message bodies are never logged (they carry
 * links with one-time secrets); the log has the subject's kind and the message id.
 */

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post. */
  headers?: Record<string, string>;
  /** What kind of mail this is, for the log (e.g. "invitation", "alert.token_revoked"). */
  kind: string;
}

export type SendResult = { sent: true; messageId: string } | { sent: false; reason: "not_configured" };

let transport: { url: string; transporter: Transporter } | undefined;

function transporter(url: string): Transporter {
  if (transport?.url !== url) transport = { url, transporter: nodemailer.createTransport(url) };
  return transport.transporter;
}

export async function sendMail(mail: Mail): Promise<SendResult> {
  const { SMTP_URL, MAIL_FROM } = env();
  if (!SMTP_URL) {
    logger.warn("mail.not_configured", { kind: mail.kind, problem: "SMTP_URL is not set: set it to send email." });
    return { sent: false, reason: "not_configured" };
  }
  const info = await transporter(SMTP_URL).sendMail({
    from: MAIL_FROM,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers: mail.headers,
  });
  logger.info("mail.sent", { kind: mail.kind, messageId: info.messageId });
  return { sent: true, messageId: info.messageId };
}
