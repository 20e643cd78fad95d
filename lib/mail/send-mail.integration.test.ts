import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MailInbox, startMailCapture, type RunningMailCapture } from "../../emulators/mail/server";
import { resetEnvCache } from "../env";
import { setLogSink } from "../log/logger";
import { sendMail } from "./send-mail";

/** Sending through real SMTP to the local catcher, read back over its HTTP inbox. */

let capture: RunningMailCapture;
const saved = { ...process.env };

beforeAll(async () => {
  capture = await startMailCapture();
});

afterAll(async () => {
  process.env = saved;
  resetEnvCache();
  await capture?.close();
});

function setEnv(vars: Record<string, string | undefined>) {
  process.env = {
    ...saved,
    DATABASE_URL: "postgresql://x@127.0.0.1/x",
    AUTH_SECRET: "x".repeat(32),
    FACEBOOK_APP_ID: "1",
    FACEBOOK_APP_SECRET: "secret-123",
    TOKEN_ENCRYPTION_KEYS: "k1:" + "A".repeat(43) + "=",
    LOG_LEVEL: "silent",
    ...vars,
  };
  resetEnvCache();
}

describe("sendMail", () => {
  it("delivers over SMTP with the From address and extra headers; the inbox shows it", async () => {
    setEnv({ SMTP_URL: capture.smtpUrl, MAIL_FROM: "Social Tokens <alerts@example.test>" });
    const res = await sendMail({
      kind: "test",
      to: "owner@example.test",
      subject: "Hello",
      text: "Open https://app.example.test/x",
      headers: { "List-Unsubscribe": "<https://app.example.test/u>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
    });
    expect(res).toMatchObject({ sent: true });
    const mail = await new MailInbox(capture.url).waitFor((m) => m.subject === "Hello");
    expect(mail).toMatchObject({
      to: ["owner@example.test"],
      from: expect.stringContaining("alerts@example.test"),
      text: expect.stringContaining("https://app.example.test/x"),
    });
    expect(mail.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    const page = await (await fetch(capture.url)).text();
    expect(page).toContain("Hello");
  });

  it("without SMTP_URL sends nothing, says so, and logs what to set (never the body)", async () => {
    setEnv({ SMTP_URL: undefined, LOG_LEVEL: "info" });
    const lines: string[] = [];
    setLogSink((l) => lines.push(l));
    const before = capture.messages().length;
    try {
      expect(await sendMail({ kind: "test", to: "a@example.test", subject: "Nope", text: "secret-link-123" })).toEqual({
        sent: false,
        reason: "not_configured",
      });
    } finally {
      setLogSink(null);
    }
    expect(capture.messages().length).toBe(before);
    expect(lines.join("\n")).toContain("SMTP_URL");
    expect(lines.join("\n")).not.toContain("secret-link-123");
  });

  it("refuses a malformed SMTP_URL or MAIL_FROM at start-up with what to set", async () => {
    setEnv({ SMTP_URL: "http://mail.example.test" });
    await expect(sendMail({ kind: "test", to: "a@example.test", subject: "x", text: "x" })).rejects.toThrow(
      /SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/,
    );
    setEnv({ SMTP_URL: capture.smtpUrl, MAIL_FROM: "not an address" });
    await expect(sendMail({ kind: "test", to: "a@example.test", subject: "x", text: "x" })).rejects.toThrow(/MAIL_FROM/);
  });
});
