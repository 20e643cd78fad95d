/**
 * A local mail catcher for the demo and the tests: an SMTP server (the `smtp-server` package) that accepts every
 * message and keeps it in memory, and a small HTTP inbox to read them (`GET /` for people, `GET /messages` JSON for
 * tests). Nothing is ever relayed. Point the app at it with SMTP_URL=smtp://127.0.0.1:<smtpPort>.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface CapturedMail {
  id: number;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  headers: Record<string, string>;
}

export interface RunningMailCapture {
  /** SMTP URL for the app (SMTP_URL). */
  smtpUrl: string;
  /** HTTP inbox (GET / for a page, GET /messages for JSON, DELETE /messages to empty it). */
  url: string;
  messages(): CapturedMail[];
  close(): Promise<void>;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function inboxPage(mails: CapturedMail[]): string {
  const rows = mails
    .slice()
    .reverse()
    .map(
      (m) => `<article style="border:1px solid #ddd;border-radius:8px;padding:12px;margin:12px 0">
  <div style="color:#555;font-size:13px">#${m.id} · ${escapeHtml(m.receivedAt)} · to ${escapeHtml(m.to.join(", "))}</div>
  <h2 style="font-size:16px;margin:6px 0">${escapeHtml(m.subject)}</h2>
  <pre style="white-space:pre-wrap;font-family:inherit">${escapeHtml(m.text).replace(/(https?:\/\/[^\s<]+)/g, '<a href="$1">$1</a>')}</pre>
</article>`,
    )
    .join("\n");
  return `<!doctype html><html><head><meta charset="utf-8"><title>Local inbox (${mails.length})</title></head>
<body style="font-family:system-ui,sans-serif;max-width:760px;margin:24px auto;padding:0 12px">
<h1 style="font-size:20px">Local inbox</h1>
<p style="color:#555">Every email the app sends in the demo lands here; nothing leaves this machine. Newest first.</p>
${rows || "<p>No mail yet.</p>"}
</body></html>`;
}

export async function startMailCapture(opts: { smtpPort?: number; httpPort?: number; host?: string } = {}): Promise<RunningMailCapture> {
  const host = opts.host ?? "127.0.0.1";
  const mails: CapturedMail[] = [];
  let nextId = 1;

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const headers: Record<string, string> = {};
          for (const line of parsed.headerLines) headers[line.key] = line.line.slice(line.line.indexOf(":") + 1).trim();
          const to = Array.isArray(parsed.to) ? parsed.to.flatMap((a) => a.value) : (parsed.to?.value ?? []);
          mails.push({
            id: nextId++,
            receivedAt: new Date().toISOString(),
            from: parsed.from?.text ?? "",
            to: to.map((a) => a.address ?? "").filter(Boolean),
            subject: parsed.subject ?? "",
            text: parsed.text ?? "",
            html: typeof parsed.html === "string" ? parsed.html : null,
            headers,
          });
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once("error", reject);
    smtp.listen(opts.smtpPort ?? 0, host, () => resolve());
  });
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const web = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method === "GET" && url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(inboxPage(mails));
    } else if (req.method === "GET" && url.pathname === "/messages") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(mails));
    } else if (req.method === "DELETE" && url.pathname === "/messages") {
      mails.length = 0;
      res.writeHead(204).end();
    } else {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found" }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    web.once("error", reject);
    web.listen(opts.httpPort ?? 0, host, () => resolve());
  });
  const httpPort = (web.address() as AddressInfo).port;

  return {
    smtpUrl: `smtp://${host}:${smtpPort}`,
    url: `http://${host}:${httpPort}`,
    messages: () => mails.slice(),
    async close() {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      await new Promise<void>((resolve) => web.close(() => resolve()));
    },
  };
}

/** Reads a running capture's inbox over HTTP (tests, e2e). */
export class MailInbox {
  constructor(readonly url: string) {}

  async messages(): Promise<CapturedMail[]> {
    const res = await fetch(`${this.url}/messages`);
    return (await res.json()) as CapturedMail[];
  }

  async clear(): Promise<void> {
    await fetch(`${this.url}/messages`, { method: "DELETE" });
  }

  /** Waits (up to timeoutMs) for a message matching the predicate. */
  async waitFor(match: (m: CapturedMail) => boolean, timeoutMs = 10_000): Promise<CapturedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.messages()).find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching mail within ${timeoutMs} ms at ${this.url}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
