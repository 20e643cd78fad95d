import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateKeySpec, open, parseKeyRing, seal, TokenDecryptionError, type KeyRing } from "./key-ring";

/** AES-256-GCM sealing of tokens (key-ring.ts): layout, randomness, authentication, key ids and key-ring parsing. */

const TENANT = "11111111-1111-4111-8111-111111111111";
const OTHER_TENANT = "22222222-2222-4222-8222-222222222222";
const TOKEN = "EAA" + "x".repeat(60);
const IV = 12;
const TAG = 16;

const k1 = generateKeySpec("k1");
const k2 = generateKeySpec("k2");

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a throw");
}

function flip(ciphertext: Uint8Array, index: number): Uint8Array {
  const copy = Uint8Array.from(ciphertext);
  copy[index] = copy[index]! ^ 0x01;
  return copy;
}

describe("seal / open", () => {
  const ring = parseKeyRing(k1);

  it("round-trips ASCII, Unicode and empty tokens, under the current key id", () => {
    for (const token of [TOKEN, "päge-tökén-✓-🔑", ""]) {
      const sealed = seal(ring, TENANT, token);
      expect(sealed.keyId).toBe("k1");
      expect(open(ring, TENANT, sealed)).toBe(token);
    }
  });

  it("stores iv (12) || tag (16) || body, where the body is as long as the token and is not the token", () => {
    const sealed = seal(ring, TENANT, TOKEN);
    expect(sealed.ciphertext.length).toBe(IV + TAG + Buffer.byteLength(TOKEN));
    expect(Buffer.from(sealed.ciphertext).includes(Buffer.from(TOKEN))).toBe(false);
    expect(Buffer.from(sealed.ciphertext).includes(Buffer.from(TOKEN.slice(0, 12)))).toBe(false);
  });

  it("uses a fresh random IV: sealing the same token twice gives different IVs and bodies, both decrypt", () => {
    const a = seal(ring, TENANT, TOKEN);
    const b = seal(ring, TENANT, TOKEN);
    expect(Buffer.from(a.ciphertext.subarray(0, IV)).equals(Buffer.from(b.ciphertext.subarray(0, IV)))).toBe(false);
    expect(Buffer.from(a.ciphertext.subarray(IV + TAG)).equals(Buffer.from(b.ciphertext.subarray(IV + TAG)))).toBe(false);
    expect([open(ring, TENANT, a), open(ring, TENANT, b)]).toEqual([TOKEN, TOKEN]);
    // 200 seals, 200 distinct IVs.
    const ivs = new Set(
      Array.from({ length: 200 }, () => Buffer.from(seal(ring, TENANT, TOKEN).ciphertext.subarray(0, IV)).toString("hex")),
    );
    expect(ivs.size).toBe(200);
  });

  const sealed = seal(ring, TENANT, TOKEN);
  const positions: [string, number][] = [
    ["first IV byte", 0],
    ["last IV byte", IV - 1],
    ["first tag byte", IV],
    ["last tag byte", IV + TAG - 1],
    ["first body byte", IV + TAG],
    ["last body byte", sealed.ciphertext.length - 1],
  ];
  it.each(positions)("a flipped bit in the %s fails with TokenDecryptionError", (_where, index) => {
    const err = thrown(() => open(ring, TENANT, { ciphertext: flip(sealed.ciphertext, index), keyId: "k1" }));
    expect(err).toBeInstanceOf(TokenDecryptionError);
    expect((err as Error).message).toBe("Stored token failed authentication (tampered ciphertext or wrong key).");
    expect(open(ring, TENANT, sealed)).toBe(TOKEN); // the untouched value still opens
  });

  it("a truncated or extended ciphertext fails with TokenDecryptionError", () => {
    const truncated = thrown(() => open(ring, TENANT, { ciphertext: sealed.ciphertext.subarray(0, IV + TAG - 1), keyId: "k1" }));
    expect(truncated).toBeInstanceOf(TokenDecryptionError);
    expect((truncated as Error).message).toMatch(/truncated/);
    const shortBody = thrown(() =>
      open(ring, TENANT, { ciphertext: sealed.ciphertext.subarray(0, sealed.ciphertext.length - 1), keyId: "k1" }),
    );
    expect(shortBody).toBeInstanceOf(TokenDecryptionError);
    const extended = thrown(() => open(ring, TENANT, { ciphertext: Buffer.concat([sealed.ciphertext, Buffer.from([0])]), keyId: "k1" }));
    expect(extended).toBeInstanceOf(TokenDecryptionError);
  });

  it("a ciphertext sealed for one tenant does not open for another (tenant id is associated data)", () => {
    const err = thrown(() => open(ring, OTHER_TENANT, sealed));
    expect(err).toBeInstanceOf(TokenDecryptionError);
    expect(open(ring, TENANT, sealed)).toBe(TOKEN);
  });

  it("a different key under the same id fails authentication", () => {
    const impostor = parseKeyRing(generateKeySpec("k1"));
    const err = thrown(() => open(impostor, TENANT, sealed));
    expect(err).toBeInstanceOf(TokenDecryptionError);
    expect((err as Error).message).toMatch(/tampered ciphertext or wrong key/);
  });

  it("a key id missing from the ring fails loudly, naming the id and what to do", () => {
    const err = thrown(() => open(parseKeyRing(k2), TENANT, sealed));
    expect(err).toBeInstanceOf(TokenDecryptionError);
    expect((err as Error).message).toBe(`No key "k1" in TOKEN_ENCRYPTION_KEYS; add the old key back (after the current one).`);
  });

  it("a row labelled with the wrong key id (both keys in the ring) fails authentication", () => {
    const both = parseKeyRing(`${k1},${k2}`);
    const err = thrown(() => open(both, TENANT, { ciphertext: sealed.ciphertext, keyId: "k2" }));
    expect(err).toBeInstanceOf(TokenDecryptionError);
  });

  it("after rotation the ring seals under the new current key and still opens values sealed under the old one", () => {
    const rotated = parseKeyRing(`${k2},${k1}`);
    expect(open(rotated, TENANT, sealed)).toBe(TOKEN);
    const fresh = seal(rotated, TENANT, TOKEN);
    expect(fresh.keyId).toBe("k2");
    expect(open(parseKeyRing(k2), TENANT, fresh)).toBe(TOKEN);
    expect(thrown(() => open(ring, TENANT, fresh))).toBeInstanceOf(TokenDecryptionError); // k1-only ring cannot
  });
});

describe("parseKeyRing", () => {
  it("takes the first entry as the current key, trims spaces, keeps every key for reading", () => {
    const ring: KeyRing = parseKeyRing(` ${k2} , ${k1} ,`);
    expect(ring.currentKeyId).toBe("k2");
    expect([...ring.keys.keys()]).toEqual(["k2", "k1"]);
    expect(ring.keys.get("k1")).toEqual(Buffer.from(k1.slice(3), "base64"));
    for (const key of ring.keys.values()) expect(key.length).toBe(32);
  });

  it("accepts base64url keys and unpadded base64", () => {
    const raw = randomBytes(32);
    expect(parseKeyRing(`u:${raw.toString("base64url")}`).keys.get("u")).toEqual(raw);
    expect(parseKeyRing(`p:${raw.toString("base64").replace(/=+$/, "")}`).keys.get("p")).toEqual(raw);
  });

  const key32 = randomBytes(32).toString("base64");
  const bad: [string, string, RegExp][] = [
    ["an empty value", "", /TOKEN_ENCRYPTION_KEYS is empty/],
    ["only commas and spaces", " , ,", /TOKEN_ENCRYPTION_KEYS is empty/],
    ["an entry without an id", key32, /key "\?" must be id:base64 of 32 bytes/],
    ["an entry with an empty id", `:${key32}`, /key "\?" must be id:base64 of 32 bytes/],
    ["a 16-byte key", `short:${randomBytes(16).toString("base64")}`, /key "short" must be id:base64 of 32 bytes/],
    ["a 31-byte key", `k31:${randomBytes(31).toString("base64")}`, /key "k31" must be id:base64 of 32 bytes/],
    ["a 33-byte key", `k33:${randomBytes(33).toString("base64")}`, /key "k33" must be id:base64 of 32 bytes/],
    ["a hex key (64 chars = 48 bytes as base64)", `hex:${randomBytes(32).toString("hex")}`, /key "hex" must be id:base64 of 32 bytes/],
    ["a second, bad entry after a good one", `${k1},k2:nope`, /key "k2" must be id:base64 of 32 bytes/],
    ["key and id the wrong way round", `${key32}:k1`, /key "\?" must be id:base64 of 32 bytes/],
    ["an id with spaces", `my key:${key32}`, /key "\?" must be id:base64 of 32 bytes/],
    ["the same id twice", `${k1},${generateKeySpec("k1")}`, /key id "k1" appears twice/],
  ];
  it.each(bad)("rejects %s", (_what, spec, message) => {
    const err = thrown(() => parseKeyRing(spec));
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(message);
    // The error names the key id, never the key material.
    for (const part of spec.split(/[,:]/).filter((p) => p.trim().length >= 16)) expect((err as Error).message).not.toContain(part.trim());
  });

  it("generateKeySpec makes parseable, distinct 32-byte keys", () => {
    const specs = Array.from({ length: 20 }, (_, i) => generateKeySpec(`g${i}`));
    const ring = parseKeyRing(specs.join(","));
    expect(ring.keys.size).toBe(20);
    expect(new Set([...ring.keys.values()].map((k) => k.toString("hex"))).size).toBe(20);
  });
});
