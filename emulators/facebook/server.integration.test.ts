import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EmulatorControl } from "./client";
import { startFacebookEmulator, type RunningEmulator } from "./server";

const app = { appId: "1234567890", appSecret: "persist-test-secret", apiVersion: "v24.0" };
const dirs: string[] = [];
const running: RunningEmulator[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "fb-emulator-state-"));
  dirs.push(dir);
  return dir;
}

async function start(stateFile?: string): Promise<RunningEmulator> {
  const emu = await startFacebookEmulator({ port: 0, ...app, ...(stateFile === undefined ? {} : { stateFile }) });
  running.push(emu);
  return emu;
}

async function close(emu: RunningEmulator): Promise<void> {
  running.splice(running.indexOf(emu), 1);
  await emu.close();
}

/** What Graph's debug_token says about a token (the call the app's "Check now" makes). */
async function debugToken(url: string, token: string): Promise<{ is_valid: boolean; user_id?: string }> {
  const q = new URLSearchParams({ input_token: token, access_token: `${app.appId}|${app.appSecret}` });
  const res = await fetch(`${url}/v24.0/debug_token?${q}`);
  return ((await res.json()) as { data: { is_valid: boolean; user_id?: string } }).data;
}

afterEach(async () => {
  for (const emu of running.splice(0)) await emu.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("emulator: state file and pictures", () => {
  it("keeps people, issued tokens, revocations and the clock across a restart", async () => {
    const file = path.join(tempDir(), "facebook-emulator.json");
    const first = await start(file);
    const fb = new EmulatorControl(first.url);
    const person = await fb.createPerson({ name: "Persisted Person", pages: [{ id: "7000001", name: "Kept Page" }] });
    const [kept, revoked] = await fb.mintTokens({ count: 2, type: "USER", personId: person.id });
    await fb.revokeToken(revoked as string, 460);
    const clock = await fb.advanceClock(3600);
    expect((await debugToken(first.url, kept as string)).is_valid).toBe(true);
    await close(first);

    const second = await start(file);
    const again = new EmulatorControl(second.url);
    expect(await debugToken(second.url, kept as string)).toMatchObject({ is_valid: true, user_id: person.id });
    expect((await debugToken(second.url, revoked as string)).is_valid).toBe(false);
    const people = await again.people();
    expect(people.find((p) => p.id === person.id)?.pages.map((p) => p.name)).toEqual(["Kept Page"]);
    expect((await again.advanceClock(0)).offsetMs).toBe(clock.offsetMs);
    // The write is atomic: no temporary file is left next to the state.
    expect(readdirSync(path.dirname(file))).toEqual(["facebook-emulator.json"]);
  });

  it("without a state file, a restart starts from the seed people and forgets tokens", async () => {
    const dir = tempDir();
    const first = await start();
    const [token] = await new EmulatorControl(first.url).mintTokens({ count: 1, type: "USER" });
    await close(first);
    const second = await start();
    expect((await debugToken(second.url, token as string)).is_valid).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("pictures show the person's or Page's initials, not digits of the id", async () => {
    const emu = await start();
    const svg = async (id: string) => (await fetch(`${emu.url}/pictures/${id}.svg`)).text();
    expect(await svg("1000001")).toContain(">AA</text>"); // Alice Admin
    expect(await svg("2000001")).toContain(">AB</text>"); // Alpha Bakery
    expect(await svg("9999999")).toContain(">?</text>");
  });

  it("refuses a corrupt state file with a message that names it", async () => {
    const file = path.join(tempDir(), "facebook-emulator.json");
    writeFileSync(file, "{not json");
    await expect(start(file)).rejects.toThrow(/facebook-emulator\.json.*delete it/);
  });
});
