import type { APIResponse, Page } from "@playwright/test";
import type pg from "pg";
import { test, expect, newPerson, signUpWithFacebook } from "../support/fixtures";
import { E2E } from "../support/ports";

/**
 * Tenant isolation over HTTP: person A, signed in, aims every page, route handler and server action at person B's
 * workspace and ids (through B's slug, through A's own slug, by tenant id, with filters and tampered payloads).
 * Every probe must answer 404 (or refuse), no response may carry B's data, and B's rows must not change.
 */

function slugOf(page: Page): string {
  const m = /\/t\/([^/?#]+)/.exec(new URL(page.url()).pathname);
  if (!m?.[1]) throw new Error(`not on a tenant dashboard: ${page.url()}`);
  return m[1];
}

interface TenantFacts {
  tenantId: string;
  tenantName: string;
  identityId: string;
  userTokenId: string;
  pageIds: string[];
  pageTokenIds: string[];
  pageNames: string[];
}

async function factsOf(sql: pg.Pool, slug: string): Promise<TenantFacts> {
  const t = await sql.query<{ id: string; name: string }>(`SELECT id, name FROM tenants WHERE slug = $1`, [slug]);
  const tenantId = t.rows[0]?.id as string;
  const ident = await sql.query<{ id: string }>(`SELECT id FROM social_identities WHERE tenant_id = $1`, [tenantId]);
  const tokens = await sql.query<{ id: string; token_type: string; facebook_page_id: string | null }>(
    `SELECT id, token_type, facebook_page_id FROM ad_tokens WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY created_at`,
    [tenantId],
  );
  const pages = await sql.query<{ id: string; name: string }>(`SELECT id, name FROM facebook_pages WHERE tenant_id = $1 ORDER BY name`, [
    tenantId,
  ]);
  return {
    tenantId,
    tenantName: t.rows[0]?.name as string,
    identityId: ident.rows[0]?.id as string,
    userTokenId: tokens.rows.find((r) => r.token_type === "user")?.id as string,
    pageTokenIds: tokens.rows.filter((r) => r.token_type === "page").map((r) => r.id),
    pageIds: pages.rows.map((r) => r.id),
    pageNames: pages.rows.map((r) => r.name),
  };
}

/** Everything about a tenant a probe could change. */
async function snapshot(sql: pg.Pool, tenantId: string): Promise<unknown> {
  const q = async (text: string) => (await sql.query(text, [tenantId])).rows;
  return {
    pages: await q(`SELECT id, name, deleted_at, updated_at FROM facebook_pages WHERE tenant_id = $1 ORDER BY id`),
    tokens: await q(
      `SELECT id, status, deleted_at, last_checked_at, last_error, updated_at, encode(ciphertext, 'hex') AS c FROM ad_tokens WHERE tenant_id = $1 ORDER BY id`,
    ),
    identities: await q(`SELECT id, deleted_at, updated_at FROM social_identities WHERE tenant_id = $1 ORDER BY id`),
    memberships: await q(`SELECT id, user_id, role, deleted_at FROM memberships WHERE tenant_id = $1 ORDER BY id`),
    audit: await q(`SELECT count(*) AS n FROM audit_events WHERE tenant_id = $1`),
    attempts: await q(`SELECT count(*) AS n FROM connect_attempts WHERE tenant_id = $1`),
    tenant: await q(`SELECT slug, name, deleted_at, updated_at FROM tenants WHERE id = $1`),
  };
}

test("another tenant's slug, ids and payloads answer 404 on every page, route handler and action, with none of its data", async ({
  page,
  browser,
  fb,
  sql,
}) => {
  // Two people, each signed up into their own workspace.
  const a = await newPerson(fb);
  await signUpWithFacebook(page, a.name);
  const slugA = slugOf(page);
  const b = await newPerson(fb);
  const contextB = await browser.newContext({ baseURL: E2E.appUrl });
  const pageB = await contextB.newPage();
  await signUpWithFacebook(pageB, b.name);
  const slugB = slugOf(pageB);
  await expect(pageB.getByTestId("page-row")).toHaveCount(3);
  await contextB.close();

  const B = await factsOf(sql, slugB);
  const A = await factsOf(sql, slugA);
  expect(B.pageIds).toHaveLength(3);
  const aEmail = (
    await sql.query<{ email: string }>(
      `SELECT u.email FROM users u JOIN memberships m ON m.user_id = u.id JOIN tenants t ON t.id = m.tenant_id WHERE t.slug = $1`,
      [slugA],
    )
  ).rows[0]?.email;
  expect(aEmail).toBeTruthy();
  const before = await snapshot(sql, B.tenantId);
  const bTokensAtFacebook = (await fb.tokens({ person: b.id })).filter((t) => t.valid).length;

  // Strings that must never appear in a response to A (B's names and ids), unless A put them in the request.
  const secrets = [...B.pageNames, b.name, B.tenantName, B.tenantId, B.identityId, B.userTokenId, ...B.pageIds, ...B.pageTokenIds];
  const probes: { what: string; status: number }[] = [];
  async function probe(what: string, request: string, res: Pick<APIResponse, "status" | "text">, expected: number | number[] = 404) {
    const body = await res.text();
    const ok = Array.isArray(expected) ? expected : [expected];
    expect(ok, `${what}: HTTP ${res.status()} ${body.slice(0, 200)}`).toContain(res.status());
    for (const s of secrets) {
      if (request.includes(s)) continue;
      expect(body.includes(s), `${what}: response carries "${s}"`).toBe(false);
    }
    probes.push({ what, status: res.status() });
  }
  // Redirects are followed (an RSC request is first redirected to its cache-busting URL); the final answer counts.
  const get = async (what: string, url: string, expected?: number | number[], headers?: Record<string, string>) =>
    probe(what, decodeURIComponent(url), await page.request.get(url, { headers }), expected);
  const post = async (what: string, url: string, data: unknown = {}, expected?: number | number[]) =>
    probe(
      what,
      `${url} ${JSON.stringify(data)}`,
      await page.request.post(url, { data, headers: { "Content-Type": "application/json" }, maxRedirects: 0 }),
      expected,
    );

  // Pages of B's workspace.
  await get("B's dashboard", `/t/${slugB}`);
  await get("B's members page", `/t/${slugB}/members`);
  await get("B's audit log", `/t/${slugB}/audit`);
  await get(
    "B's dashboard with search and filters",
    `/t/${slugB}?q=${encodeURIComponent(B.pageNames[0] as string)}&status=active&sort=status&dir=desc`,
  );
  await get("B's dashboard, page 2", `/t/${slugB}?page=2&sort=expires`);
  await get("B's audit log, page 2", `/t/${slugB}/audit?page=2`);
  await get("B's dashboard by tenant id", `/t/${B.tenantId}`);
  // Client-side navigations fetch the RSC payload; Next answers those 200 with the not-found outcome inside it.
  const rsc = async (what: string, url: string) => {
    const res = await page.request.get(url, { headers: { RSC: "1" } });
    const body = await res.text();
    if (res.status() === 200) expect(body, `${what}: the payload is the not-found outcome`).toContain("NEXT_HTTP_ERROR_FALLBACK;404");
    await probe(what, url, { status: () => res.status(), text: async () => body }, [404, 200]);
  };
  await rsc("B's dashboard as an RSC request", `/t/${slugB}`);
  await rsc("B's members page as an RSC request", `/t/${slugB}/members`);

  // Route handlers: B's ids through A's own workspace…
  await post("check B's Page token via A's slug", `/api/t/${slugA}/tokens/${B.pageTokenIds[0]}/check`);
  await post("check B's user token via A's slug", `/api/t/${slugA}/tokens/${B.userTokenId}/check`);
  await post("disconnect B's Page via A's slug", `/api/t/${slugA}/pages/${B.pageIds[0]}/disconnect`);
  await post("disconnect B's Page by its token id via A's slug", `/api/t/${slugA}/pages/${B.pageTokenIds[1]}/disconnect`);
  await post("disconnect B's identity (and revoke) via A's slug", `/api/t/${slugA}/identities/${B.identityId}/disconnect`, {
    revokeAtPlatform: true,
  });
  // …and through B's slug and tenant id.
  await post("check B's Page token via B's slug", `/api/t/${slugB}/tokens/${B.pageTokenIds[0]}/check`);
  await post("check B's user token via B's slug", `/api/t/${slugB}/tokens/${B.userTokenId}/check`);
  await post("disconnect B's Page via B's slug", `/api/t/${slugB}/pages/${B.pageIds[1]}/disconnect`);
  await post("disconnect B's identity (and revoke) via B's slug", `/api/t/${slugB}/identities/${B.identityId}/disconnect`, {
    revokeAtPlatform: true,
  });
  await post("invite A to B's workspace as owner", `/api/t/${slugB}/invitations`, { email: aEmail, role: "owner" });
  await post("invite A to B's workspace by tenant id", `/api/t/${B.tenantId}/invitations`, { email: aEmail, role: "admin" });
  await post("disconnect B's Page via B's tenant id", `/api/t/${B.tenantId}/pages/${B.pageIds[2]}/disconnect`);
  // A's own ids through B's slug (A is not a member there either).
  await post("check A's token via B's slug", `/api/t/${slugB}/tokens/${A.pageTokenIds[0]}/check`);

  // A's own workspace, asked about B's things: 200, but nothing of B's.
  await get("A's dashboard searching B's Page name", `/t/${slugA}?q=${encodeURIComponent(B.pageNames[0] as string)}`, 200);
  await get("A's dashboard filtered", `/t/${slugA}?status=active&sort=status`, 200);
  await get("A's audit log", `/t/${slugA}/audit`, 200);
  await get("A's members page", `/t/${slugA}/members`, 200);

  // The server action behind Connect Facebook, called from A's dashboard with B's slug swapped into its payload.
  await page.goto(`/t/${slugA}`);
  let answered: ((r: { status: number; body: string }) => void) | null = null;
  const actionAnswer = new Promise<{ status: number; body: string }>((resolve) => (answered = resolve));
  await page.route(`**/t/${slugA}`, async (route) => {
    const req = route.request();
    const original = req.postData();
    if (req.method() !== "POST" || !req.headers()["next-action"] || !original) return route.continue();
    expect(original, "the action's payload names the workspace").toContain(slugA);
    // Send the tampered payload ourselves, so the answer can be read before the page handles it.
    const response = await route.fetch({ postData: original.replaceAll(slugA, slugB) });
    answered?.({ status: response.status(), body: await response.text() });
    await route.fulfill({ response });
  });
  await page.getByRole("button", { name: "Connect Facebook" }).click();
  const action = await actionAnswer;
  await probe("Connect Facebook action with B's slug", slugB, { status: () => action.status, text: async () => action.body }, [404]);
  expect(new URL(page.url()).host).toBe(new URL(E2E.appUrl).host); // not sent to Facebook
  const intent = (await page.context().cookies(E2E.appUrl)).find((c) => c.name === "connect_intent");
  expect(intent, "no connect intent was issued for B's workspace").toBeUndefined();
  await page.unroute(`**/t/${slugA}`);

  expect(probes.length).toBeGreaterThanOrEqual(20);
  console.log(`${probes.length} cross-tenant probes:\n${probes.map((p) => `  ${p.status} ${p.what}`).join("\n")}`);

  // Nothing of B's changed, here or at Facebook.
  expect(await snapshot(sql, B.tenantId)).toEqual(before);
  expect((await fb.tokens({ person: b.id })).filter((t) => t.valid)).toHaveLength(bTokensAtFacebook);
});

test("a signed-out request to any workspace route changes nothing and reveals nothing", async ({ page, fb, sql, playwright }) => {
  const a = await newPerson(fb);
  await signUpWithFacebook(page, a.name);
  const slug = slugOf(page);
  const facts = await factsOf(sql, slug);
  const before = await snapshot(sql, facts.tenantId);
  const anon = await playwright.request.newContext({ baseURL: E2E.appUrl });
  try {
    const pageRes = await anon.get(`/t/${slug}`, { maxRedirects: 0 });
    expect([302, 303, 307, 308]).toContain(pageRes.status());
    expect(pageRes.headers()["location"]).toMatch(/\/$|\/\?|^\/$/);
    const apiCalls = [
      anon.post(`/api/t/${slug}/pages/${facts.pageIds[0]}/disconnect`, { data: {} }),
      anon.post(`/api/t/${slug}/tokens/${facts.pageTokenIds[0]}/check`, { data: {} }),
      anon.post(`/api/t/${slug}/identities/${facts.identityId}/disconnect`, { data: { revokeAtPlatform: true } }),
      anon.post(`/api/t/${slug}/invitations`, { data: { email: "x@example.test", role: "owner" } }),
      anon.post(`/api/t`, { data: { name: "Sneaky" } }),
    ];
    for (const res of await Promise.all(apiCalls)) {
      expect(res.status()).toBe(401);
      const body = await res.text();
      for (const s of [...facts.pageNames, a.name]) expect(body).not.toContain(s);
    }
  } finally {
    await anon.dispose();
  }
  expect(await snapshot(sql, facts.tenantId)).toEqual(before);
});
