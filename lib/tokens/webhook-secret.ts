import "server-only";
import { randomBytes } from "node:crypto";
import { keyRing } from "./encryption";
import { open, seal, type Sealed } from "./key-ring";

/**
 * Webhook signing secrets (Standard Webhooks: "whsec_" + base64 of 24 random bytes). We must sign with them, so
 * they are stored encrypted with the token key ring (AES-256-GCM), bound to their workspace and endpoint by the
 * associated data. Shown once, when created; decrypted only here, only to sign.
 */

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/** The associated data binding a secret to its workspace and endpoint (key rotation re-seals under the same). */
export const webhookSecretAad = (tenantId: string, endpointId: string) => `${tenantId}/webhook/${endpointId}`;

export function sealWebhookSecret(tenantId: string, endpointId: string, secret: string): Sealed {
  return seal(keyRing(), webhookSecretAad(tenantId, endpointId), secret);
}

export function openWebhookSecret(tenantId: string, endpointId: string, sealed: { ciphertext: Uint8Array; keyId: string }): string {
  return open(keyRing(), webhookSecretAad(tenantId, endpointId), sealed);
}
