import "server-only";
import { env } from "../env";
import { open, parseKeyRing, seal, type KeyRing, type Sealed } from "./key-ring";

let ring: KeyRing | undefined;
let ringSpec: string | undefined;

/** The key ring from TOKEN_ENCRYPTION_KEYS (re-parsed if the variable changes, e.g. in tests). */
export function keyRing(): KeyRing {
  const spec = env().TOKEN_ENCRYPTION_KEYS;
  if (!ring || spec !== ringSpec) {
    ring = parseKeyRing(spec);
    ringSpec = spec;
  }
  return ring;
}

export function encryptToken(tenantId: string, token: string): Sealed {
  return seal(keyRing(), tenantId, token);
}

export function decryptToken(tenantId: string, sealed: { ciphertext: Uint8Array; keyId: string }): string {
  return open(keyRing(), tenantId, sealed);
}
