import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * AES-256-GCM encryption of tokens at rest. The only place that turns ciphertext back into a token.
 * Stored value: iv (12 bytes) || auth tag (16 bytes) || ciphertext, with the key id in its own column.
 * Associated data binds a ciphertext to its tenant, so a row copied into another tenant does not decrypt.
 */

const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface KeyRing {
  currentKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

export interface Sealed {
  ciphertext: Uint8Array<ArrayBuffer>;
  keyId: string;
}

export class TokenDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TokenDecryptionError";
  }
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * The key_id of a soft-deleted row: the database erases a token (empty ciphertext, this key id) in the statement
 * that soft-deletes it (migration 20261125140000_erase_soft_deleted_tokens). Reserved: no real key may use it.
 */
export const ERASED_KEY_ID = "erased";

/** Parses "id:base64key,id:base64key" (current key first). Keys must be 32 bytes. */
export function parseKeyRing(spec: string): KeyRing {
  const keys = new Map<string, Buffer>();
  let currentKeyId = "";
  for (const entry of spec
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)) {
    const sep = entry.indexOf(":");
    // Without a separator (or with a malformed id) the "id" would be key material: never put it in a message.
    const id = sep > 0 ? entry.slice(0, sep) : "";
    const idOk = KEY_ID.test(id);
    const key = Buffer.from(entry.slice(sep + 1), "base64");
    if (!idOk || key.length !== 32) {
      throw new Error(
        `TOKEN_ENCRYPTION_KEYS: key "${idOk ? id : "?"}" must be id:base64 of 32 bytes (id: up to 32 letters, digits, _ or -)`,
      );
    }
    if (id === ERASED_KEY_ID)
      throw new Error(`TOKEN_ENCRYPTION_KEYS: key id "${ERASED_KEY_ID}" is reserved for erased tokens; pick another id`);
    if (keys.has(id)) throw new Error(`TOKEN_ENCRYPTION_KEYS: key id "${id}" appears twice`);
    keys.set(id, key);
    currentKeyId ||= id;
  }
  if (!currentKeyId) throw new Error("TOKEN_ENCRYPTION_KEYS is empty");
  return { currentKeyId, keys };
}

export function generateKeySpec(id: string): string {
  return `${id}:${randomBytes(32).toString("base64")}`;
}

function aad(tenantId: string): Buffer {
  return Buffer.from(`ad_token:${tenantId}`, "utf8");
}

export function seal(ring: KeyRing, tenantId: string, plaintext: string): Sealed {
  const key = ring.keys.get(ring.currentKeyId);
  if (!key) throw new Error("current key missing from key ring");
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(aad(tenantId));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const out = new Uint8Array(IV_BYTES + TAG_BYTES + body.length);
  out.set(iv, 0);
  out.set(cipher.getAuthTag(), IV_BYTES);
  out.set(body, IV_BYTES + TAG_BYTES);
  return { ciphertext: out, keyId: ring.currentKeyId };
}

export function open(ring: KeyRing, tenantId: string, sealed: { ciphertext: Uint8Array; keyId: string }): string {
  if (sealed.keyId === ERASED_KEY_ID) {
    throw new TokenDecryptionError(
      "This token was erased when it was disconnected: there is nothing to decrypt. Connect again for a new token.",
    );
  }
  const key = ring.keys.get(sealed.keyId);
  if (!key)
    throw new TokenDecryptionError(`No key "${sealed.keyId}" in TOKEN_ENCRYPTION_KEYS; add the old key back (after the current one).`);
  const buf = Buffer.from(sealed.ciphertext);
  if (buf.length < IV_BYTES + TAG_BYTES) throw new TokenDecryptionError("Stored token ciphertext is truncated.");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, buf.subarray(0, IV_BYTES));
    decipher.setAAD(aad(tenantId));
    decipher.setAuthTag(buf.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(buf.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw new TokenDecryptionError("Stored token failed authentication (tampered ciphertext or wrong key).");
  }
}
