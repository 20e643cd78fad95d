import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmulatorControl } from "./client";
import { startFacebookEmulator, type RunningEmulator } from "./server";

/**
 * The emulator's Page feed over HTTP: only a valid Page token of that Page whose person has CREATE_CONTENT or MANAGE
 * (and the posting permissions) may publish; everything else gets Facebook's error bodies and publishes nothing.
 */

const POSTING = ["pages_show_list", "pages_read_engagement", "pages_manage_posts"];
let emu: RunningEmulator;
let control: EmulatorControl;

beforeAll(async () => {
  emu = await startFacebookEmulator({ port: 0, appId: "555", appSecret: "feed-test-secret" });
  control = new EmulatorControl(emu.url);
});

afterAll(async () => {
  await emu?.close();
});

interface GraphError {
  error: { message: string; type: string; code: number; error_subcode?: number; fbtrace_id: string };
}

async function post(pageId: string, token: string | undefined, form: Record<string, string>) {
  const res = await fetch(`${emu.url}/v24.0/${pageId}/feed`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as { id?: string } & Partial<GraphError> };
}

describe("POST/GET /{page-id}/feed", () => {
  it("publishes with a Page token of that Page (CREATE_CONTENT or MANAGE), lists the post, and refuses everything else as Facebook does", async () => {
    const person = await control.createPerson({
      name: "Feed Person",
      pages: [
        { id: "88001", name: "Can Post", tasks: ["CREATE_CONTENT"] },
        { id: "88002", name: "Can Manage", tasks: ["MANAGE"] },
        { id: "88003", name: "Only Analyze", tasks: ["ANALYZE", "MODERATE"] },
      ],
    });
    const [p1] = await control.mintTokens({ count: 1, type: "PAGE", personId: person.id, pageId: "88001", scopes: POSTING });
    const [p2] = await control.mintTokens({ count: 1, type: "PAGE", personId: person.id, pageId: "88002", scopes: POSTING });
    const [p3] = await control.mintTokens({ count: 1, type: "PAGE", personId: person.id, pageId: "88003", scopes: POSTING });
    const [user] = await control.mintTokens({ count: 1, type: "USER", personId: person.id, scopes: POSTING });
    const [revoked] = await control.mintTokens({
      count: 1,
      type: "PAGE",
      personId: person.id,
      pageId: "88001",
      state: "revoked",
      subcode: 460,
      scopes: POSTING,
    });
    const [noPerm] = await control.mintTokens({
      count: 1,
      type: "PAGE",
      personId: person.id,
      pageId: "88001",
      scopes: ["pages_show_list"],
    });

    const ok1 = await post("88001", p1, { message: "Hello" });
    expect(ok1).toEqual({ status: 200, body: { id: expect.stringMatching(/^88001_\d+$/) } });
    expect((await post("88002", p2, { link: "https://example.com" })).status).toBe(200);

    const refusals: [string, string | undefined, Record<string, string>, number, number, number | undefined][] = [
      ["88003", p3, { message: "x" }, 403, 200, undefined], // no CREATE_CONTENT/MANAGE task
      ["88001", user, { message: "x" }, 403, 200, undefined], // a user token, not the Page
      ["88001", p2, { message: "x" }, 403, 200, undefined], // another Page's token
      ["88001", noPerm, { message: "x" }, 403, 200, undefined], // without pages_manage_posts
      ["88001", revoked, { message: "x" }, 400, 190, 460], // dead token
      ["88001", p1, {}, 400, 100, undefined], // nothing to post
      ["99999", p1, { message: "x" }, 400, 100, 33], // no such Page
      ["88001", undefined, { message: "x" }, 400, 2500, undefined], // no token
    ];
    for (const [page, token, form, status, code, subcode] of refusals) {
      const res = await post(page, token, form);
      expect(res.status, `${page} ${code}`).toBe(status);
      expect(res.body.error).toMatchObject({ type: "OAuthException", code, fbtrace_id: expect.any(String) });
      if (subcode !== undefined) expect(res.body.error?.error_subcode).toBe(subcode);
    }
    expect((await control.posts("88001")).map((p) => p.message)).toEqual(["Hello"]);

    const list = await fetch(`${emu.url}/v24.0/88001/feed?access_token=${p1}`);
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({ data: [{ id: ok1.body.id, created_time: expect.stringMatching(/\+0000$/), message: "Hello" }] });
    const foreign = await fetch(`${emu.url}/v24.0/88001/feed?access_token=${p3}`);
    expect(foreign.status).toBe(403);
  });
});
