import http from "node:http";
import { randomBytes, randomUUID } from "node:crypto";
import type { Browser, Page } from "@playwright/test";
import type pg from "pg";
import { MailInbox } from "../../emulators/mail/server";
import { test, expect, newPerson, approveOnFacebook, signUpWithFacebook } from "../support/fixtures";
import { E2E } from "../support/ports";

/**
 * Team and access in the browser: invitations by email (through the stack's mail catcher) accepted or declined by a
 * Facebook sign-in, expiry, identical answers for registered and unknown emails, role changes, removal with each
 * choice for the member's connections, the last owner, sessions that end, and the security review's HTTP findings.
 */

function slugOf(page: Page): string {
  const m = /\/t\/([^/?#]+)/.exec(new URL(page.url()).pathname);
  if (!m?.[1]) throw new Error(`not on a workspace page: ${page.url()}`);
  return m[1];
}

const uniqueEmail = (label: string) => `${label}-${randomBytes(4).toString("hex")}@example.test`;

async function tenantId(sql: pg.Pool, slug: string): Promise<string> {
  const { rows } = await sql.query<{ id: string }>(`SELECT id FROM tenants WHERE slug = $1`, [slug]);
  return rows[0]!.id;
}

async function ownerUserId(sql: pg.Pool, slug: string): Promise<string> {
  const { rows } = await sql.query<{ user_id: string }>(
    `SELECT m.user_id FROM memberships m JOIN tenants t ON t.id = m.tenant_id WHERE t.slug = $1 AND m.role = 'owner' ORDER BY m.created_at LIMIT 1`,
    [slug],
  );
  return rows[0]!.user_id;
}

async function memberships(sql: pg.Pool, slug: string) {
  const { rows } = await sql.query(
    `SELECT m.user_id, m.role, m.deleted_at FROM memberships m JOIN tenants t ON t.id = m.tenant_id WHERE t.slug = $1 ORDER BY m.created_at`,
    [slug],
  );
  return rows;
}

/** A Facebook identity with a user token (arbitrary ciphertext: nothing decrypts it here), connected by userId. */
async function seedConnection(sql: pg.Pool, tenantId: string, userId: string, name: string): Promise<string> {
  const identityId = randomUUID();
  await sql.query(
    `INSERT INTO social_identities (id, tenant_id, user_id, platform, external_user_id, name) VALUES ($1, $2, $3, 'facebook', $4, $5)`,
    [identityId, tenantId, userId, `ext-${identityId.slice(0, 8)}`, name],
  );
  await sql.query(
    `INSERT INTO ad_tokens (tenant_id, user_id, platform, token_type, social_identity_id, ciphertext, key_id)
     VALUES ($1, $2, 'facebook', 'user', $3, '\\x00', 'k1')`,
    [tenantId, userId, identityId],
  );
  return identityId;
}

async function invite(page: Page, slug: string, email: string, role: "owner" | "admin" | "member") {
  await page.goto(`/t/${slug}/members`);
  const form = page.getByRole("form", { name: "Invite someone" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Role").selectOption(role);
  await form.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: `Invitation sent to ${email}` })).toBeVisible();
}

async function invitationLink(mailUrl: string, email: string): Promise<string> {
  const mail = await new MailInbox(mailUrl).waitFor((m) => m.to.includes(email));
  const link = /(https?:\/\/\S+\/invite\/[A-Za-z0-9_-]{43})/.exec(mail.text)?.[1];
  if (!link) throw new Error(`no invitation link in the mail to ${email}`);
  return link;
}

/** A new browser for the invitee: opens the link, signs in with Facebook as `personName`, lands back on the invitation. */
async function openAsInvitee(browser: Browser, link: string, personName: string) {
  const context = await browser.newContext({ baseURL: E2E.appUrl });
  const page = await context.newPage();
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "You have been invited to a workspace" })).toBeVisible();
  await page.getByRole("button", { name: "Continue with Facebook" }).click();
  await approveOnFacebook(page, personName);
  await page.waitForURL(/\/invite\//);
  return { context, page };
}

test("an owner invites by email; the invitee gets the mail, signs in with Facebook, accepts and appears with the role", async ({
  page,
  browser,
  fb,
  sql,
  stack,
}) => {
  const owner = await newPerson(fb);
  await signUpWithFacebook(page, owner.name);
  const slug = slugOf(page);
  const invitee = await newPerson(fb, { pages: [] });
  const email = uniqueEmail("invitee");

  await invite(page, slug, email, "admin");
  await expect(page.getByTestId("invitation-row").filter({ hasText: email })).toContainText("Admin");
  // Nobody joins by being invited.
  expect(await memberships(sql, slug)).toHaveLength(1);

  const link = await invitationLink(stack.mailUrl, email);
  const b = await openAsInvitee(browser, link, invitee.name);
  try {
    await expect(b.page.getByTestId("invitation-workspace")).toHaveText(`${owner.name}'s workspace`);
    await expect(b.page.getByTestId("invitation-inviter")).toHaveText(owner.name);
    await b.page.getByRole("button", { name: "Accept and join" }).click();
    await b.page.waitForURL(new RegExp(`/t/${slug}$`));
    await expect(b.page.getByTestId("current-tenant")).toHaveText(`${owner.name}'s workspace`);

    await page.goto(`/t/${slug}/members`);
    await expect(page.getByTestId("member-row").filter({ hasText: invitee.name }).getByLabel(`Role of ${invitee.name}`)).toHaveValue(
      "admin",
    );
    await expect(page.getByTestId("invitation-row")).toHaveCount(0);
    expect(await memberships(sql, slug)).toEqual([
      expect.objectContaining({ role: "owner", deleted_at: null }),
      expect.objectContaining({ role: "admin", deleted_at: null }),
    ]);

    // The link worked once.
    await b.page.goto(link);
    await expect(b.page.getByTestId("invitation-state")).toHaveText(/already been accepted|has been accepted/);
    await expect(b.page.getByRole("button", { name: "Accept and join" })).toHaveCount(0);
    const audit = await sql.query(
      `SELECT action FROM audit_events WHERE tenant_id = $1 AND action LIKE 'invitation.%' OR (tenant_id = $1 AND action = 'member.joined') ORDER BY created_at`,
      [await tenantId(sql, slug)],
    );
    // Accepting writes both events in one transaction (one created_at): their order between them is not defined.
    const actions = audit.rows.map((r: { action: string }) => r.action);
    expect(actions[0]).toBe("invitation.created");
    expect(actions.slice(1).sort()).toEqual(["invitation.accepted", "member.joined"]);
  } finally {
    await b.context.close();
  }
});

test("a declined invitation joins nobody; an expired one cannot be accepted", async ({ page, browser, fb, sql, stack }) => {
  const owner = await newPerson(fb);
  await signUpWithFacebook(page, owner.name);
  const slug = slugOf(page);
  const invitee = await newPerson(fb, { pages: [] });

  const declineEmail = uniqueEmail("decline");
  await invite(page, slug, declineEmail, "member");
  const b = await openAsInvitee(browser, await invitationLink(stack.mailUrl, declineEmail), invitee.name);
  try {
    await b.page.getByRole("button", { name: "Decline" }).click();
    await expect(b.page.getByTestId("invitation-state")).toContainText("You declined this invitation");
    expect(await memberships(sql, slug)).toHaveLength(1);

    const expiredEmail = uniqueEmail("expired");
    await invite(page, slug, expiredEmail, "member");
    const link = await invitationLink(stack.mailUrl, expiredEmail);
    await sql.query(`UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE email = $1`, [expiredEmail]);
    const before = await memberships(sql, slug);
    await b.page.goto(link);
    await expect(b.page.getByTestId("invitation-state")).toContainText("This invitation has expired");
    await expect(b.page.getByRole("button", { name: "Accept and join" })).toHaveCount(0);
    expect(await memberships(sql, slug)).toEqual(before);
    await page.goto(`/t/${slug}/members`);
    await expect(page.getByTestId("invitation-row").filter({ hasText: expiredEmail })).toContainText("expired");
  } finally {
    await b.context.close();
  }
});

test("inviting a registered and an unregistered email gives byte-identical answers", async ({ page, browser, fb, sql }) => {
  const owner = await newPerson(fb);
  await signUpWithFacebook(page, owner.name);
  const slug = slugOf(page);
  // Someone with an account here (signed up with Facebook), and an address nobody uses.
  const registered = await newPerson(fb, { pages: [] });
  const other = await browser.newContext({ baseURL: E2E.appUrl });
  const otherPage = await other.newPage();
  await signUpWithFacebook(otherPage, registered.name);
  const { rows } = await sql.query<{ email: string }>(`SELECT email FROM users WHERE id = $1`, [await ownerUserId(sql, slugOf(otherPage))]);
  await other.close();
  const registeredEmail = rows[0]!.email;
  const unknownEmail = `${registeredEmail.split("@")[0]!.replace(/./g, "z")}@example.test`;
  expect(unknownEmail.length).toBe(registeredEmail.length);

  const answers = [];
  for (const email of [registeredEmail, unknownEmail]) {
    const res = await page.request.post(`/api/t/${slug}/invitations`, { data: { email, role: "member" } });
    const headers = Object.entries(res.headers()).filter(([k]) => !["date", "content-security-policy"].includes(k));
    answers.push({ status: res.status(), headers, body: (await res.text()).replace(email, "<email>") });
  }
  expect(answers[0]!.status).toBe(200);
  expect(answers[1]).toEqual(answers[0]);
});

test("an owner changes a role and removes members (keeping or disconnecting their connections); the last owner cannot leave", async ({
  page,
  fb,
  sql,
}) => {
  const owner = await newPerson(fb);
  await signUpWithFacebook(page, owner.name);
  const slug = slugOf(page);
  const tid = await tenantId(sql, slug);
  // Two people who joined and each connected a Facebook account here (seeded behind the app's back).
  const people = [];
  for (const name of [`Keeper ${randomBytes(3).toString("hex")}`, `Dropper ${randomBytes(3).toString("hex")}`]) {
    const { rows } = await sql.query<{ id: string }>(`INSERT INTO users (name) VALUES ($1) RETURNING id`, [name]);
    const userId = rows[0]!.id;
    await sql.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'member')`, [tid, userId]);
    people.push({ name, userId, identityId: await seedConnection(sql, tid, userId, `${name} FB`) });
  }
  const [keeper, dropper] = people as [(typeof people)[0], (typeof people)[0]];

  await page.goto(`/t/${slug}/members`);
  await page.getByLabel(`Role of ${keeper.name}`).selectOption("admin");
  await expect(page.getByTestId("toast").filter({ hasText: `${keeper.name} is now admin` })).toBeVisible();
  await expect.poll(async () => (await memberships(sql, slug)).find((m) => m.user_id === keeper.userId)?.role).toBe("admin");

  // Remove the keeper, keeping the accounts they connected.
  await page.getByTestId("member-row").filter({ hasText: keeper.name }).getByRole("button", { name: "Remove" }).click();
  await page
    .getByRole("dialog")
    .getByLabel(/Keep them working/)
    .check();
  await page.getByRole("dialog").getByRole("button", { name: "Remove member" }).click();
  await expect(
    page.getByTestId("toast").filter({ hasText: `Removed ${keeper.name}. The Facebook accounts they connected keep working.` }),
  ).toBeVisible();

  // Remove the dropper, disconnecting theirs.
  await page.getByTestId("member-row").filter({ hasText: dropper.name }).getByRole("button", { name: "Remove" }).click();
  await page
    .getByRole("dialog")
    .getByLabel(/Disconnect them now/)
    .check();
  await page.getByRole("dialog").getByRole("button", { name: "Remove member" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: `Removed ${dropper.name} and disconnected 1 Facebook account` })).toBeVisible();
  await expect(page.getByTestId("member-row")).toHaveCount(1);

  const identity = async (id: string) => (await sql.query(`SELECT deleted_at FROM social_identities WHERE id = $1`, [id])).rows[0];
  expect(await identity(keeper.identityId)).toEqual({ deleted_at: null });
  expect(await identity(dropper.identityId)).toEqual({ deleted_at: expect.any(Date) });
  const removed = await sql.query(
    `SELECT details->>'connections' AS c FROM audit_events WHERE tenant_id = $1 AND action = 'member.removed' ORDER BY created_at`,
    [tid],
  );
  expect(removed.rows).toEqual([{ c: "keep" }, { c: "disconnect" }]);
  // The kept account is marked on the dashboard.
  await page.goto(`/t/${slug}`);
  await expect(page.getByTestId("former-member")).toContainText(`Connected by a former member (${keeper.name})`);

  // The last owner cannot leave.
  const before = await memberships(sql, slug);
  await page.goto(`/t/${slug}/members`);
  await page.getByRole("button", { name: "Leave workspace" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Leave" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: "You are the last owner" })).toBeVisible();
  expect(await memberships(sql, slug)).toEqual(before);
});

test("'Sign out everywhere' makes a copied session cookie useless; plain sign-out ends its own session", async ({ page, browser, fb }) => {
  const person = await newPerson(fb);
  await signUpWithFacebook(page, person.name);
  const slug = slugOf(page);

  async function copy() {
    const copied = await browser.newContext({ baseURL: E2E.appUrl, storageState: await page.context().storageState() });
    const p = await copied.newPage();
    return { copied, p };
  }
  // Plain sign-out: a copy of that session stops working.
  const first = await copy();
  await first.p.goto(`/t/${slug}`);
  await expect(first.p.getByTestId("current-tenant")).toBeVisible();
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.waitForURL(`${E2E.appUrl}/`);
  await first.p.goto(`/t/${slug}`);
  await expect(first.p).toHaveURL(`${E2E.appUrl}/`);
  expect((await first.p.request.post(`/api/t`, { data: { name: "After sign-out" } })).status()).toBe(401);
  await first.copied.close();

  // Sign in again on two "devices"; "Sign out everywhere" on one ends both.
  await signUpWithFacebook(page, person.name);
  const second = await copy();
  await second.p.goto(`/t/${slug}`);
  await expect(second.p.getByTestId("current-tenant")).toBeVisible();
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await page.waitForURL(`${E2E.appUrl}/`);
  await second.p.goto(`/t/${slug}`);
  await expect(second.p).toHaveURL(`${E2E.appUrl}/`);
  const api = await second.p.request.post(`/api/t/${slug}/leave`, { data: {} });
  expect(api.status()).toBe(401);
  expect((await second.p.request.post(`/api/t`, { data: { name: "After everywhere" } })).status()).toBe(401);
  await second.copied.close();
});

/** A raw HTTP request (fetch refuses TRACE). */
function rawRequest(method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${E2E.appUrl}${path}`, { method, headers }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

test("the review's HTTP findings: /t/%ZZ → 400, TRACE → 405, a cross-site server action → 403, CSP with a nonce, NUL search → 200", async ({
  page,
  fb,
  sql,
}) => {
  const malformed = await rawRequest("GET", "/t/%ZZ");
  expect(malformed.status).toBe(400);
  expect(JSON.parse(malformed.body)).toEqual({ error: { code: "bad_request", message: expect.stringContaining("percent-encoding") } });
  expect((await rawRequest("GET", "/api/t/%E0%A4%A/members")).status).toBe(400);
  const trace = await rawRequest("TRACE", "/");
  expect(trace.status).toBe(405);
  const crossSite = await rawRequest("POST", "/", {
    "next-action": "0123456789abcdef0123456789abcdef01234567",
    origin: "https://evil.example",
    "content-type": "text/plain;charset=UTF-8",
  });
  expect(crossSite.status).toBe(403);

  const person = await newPerson(fb);
  const res = await page.goto("/");
  const csp = res!.headers()["content-security-policy"] ?? "";
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce).toBeTruthy();
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(csp).not.toMatch(/(img-src|form-action)[^;]*\shttps?:(\s|;|$)/);
  // Next.js put this request's nonce on its scripts; another request gets another nonce.
  expect(await page.locator(`script[nonce]`).count()).toBeGreaterThan(0);
  const again = (await page.request.get("/")).headers()["content-security-policy"] ?? "";
  expect(/'nonce-([^']+)'/.exec(again)?.[1]).not.toBe(nonce);

  // The page works under the policy (hydrated buttons), and a NUL in the search text is ignored, not a 500.
  await signUpWithFacebook(page, person.name);
  const slug = slugOf(page);
  const search = await page.goto(`/t/${slug}?q=%00Bakery`);
  expect(search!.status()).toBe(200);
  await expect(page.getByTestId("page-row")).toHaveCount(1);

  // A real server action ("Sign out everywhere", its id read from the page's form) posted from another site with the
  // person's cookie: refused by the proxy before Next runs it, and the session lives on (generation unchanged, no
  // session ended).
  const actionInput = page
    .locator("form")
    .filter({ has: page.getByRole("button", { name: "Sign out everywhere" }) })
    .locator('input[name^="$ACTION_ID_"]');
  const actionId = ((await actionInput.getAttribute("name")) ?? "").slice("$ACTION_ID_".length);
  expect(actionId).toMatch(/^[0-9a-f]{40,}$/);
  const userId = await ownerUserId(sql, slug);
  const sessionsOf = async () =>
    (
      await sql.query(
        `SELECT u.session_generation, (SELECT count(*)::int FROM ended_sessions e WHERE e.user_id = u.id) AS ended FROM users u WHERE u.id = $1`,
        [userId],
      )
    ).rows;
  const sessionsBefore = await sessionsOf();
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const forged = await rawRequest("POST", `/t/${slug}`, {
    cookie,
    "next-action": actionId,
    origin: "https://evil.example",
    "content-type": "text/plain;charset=UTF-8",
  });
  expect(forged.status).toBe(403);
  expect(JSON.parse(forged.body)).toEqual({ error: { code: "cross_site", message: expect.any(String) } });
  expect(await sessionsOf()).toEqual(sessionsBefore);
  await page.goto(`/t/${slug}`);
  await expect(page.getByTestId("current-tenant")).toBeVisible();
});
