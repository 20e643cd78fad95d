/**
 * npm run tokens:rotate-key [-- --batch-size=500 --max-batches=N]
 *
 * Re-encrypts every stored token (soft-deleted ones are erased: nothing to re-encrypt) and every webhook signing secret under the current key: the first entry of
 * TOKEN_ENCRYPTION_KEYS. To rotate: `npm run tokens:new-key`, put the new entry FIRST in TOKEN_ENCRYPTION_KEYS and
 * keep the old ones after it, deploy, run this, and remove an old key only after a run reports 0 rows left on old keys.
 * Safe to interrupt and run again: every committed batch is done, the rest is still readable under its old key.
 * Uses DATABASE_URL (the app role; row-level security applies, so it works tenant by tenant).
 * Exit codes: 0 done, 3 stopped early (--max-batches) with rows left, 1 failed (nothing of the failing batch written),
 * 5 the database was unavailable or the connection dropped (nothing of the interrupted batch written; run it again).
 */
import { intArg } from "./cli-args";
import { runCli } from "./run-cli";
import { KeyRotationError, rotateEncryptionKey } from "../lib/tokens/rotate-encryption-key";

const batchSize = intArg("batch-size");
const maxBatches = intArg("max-batches");

await runCli(
  "Key rotation",
  async () => {
    let exitCode = 0;
    console.log(
      `Re-encrypting stored tokens and webhook signing secrets under the current key (batches of ${batchSize ?? 500}${maxBatches ? `, at most ${maxBatches} batches` : ""})…`,
    );
    const summary = await rotateEncryptionKey({
      batchSize,
      maxBatches,
      onProgress: (p) =>
        console.log(
          `  tenant ${p.tenantIndex}/${p.tenantsWithWork} ${p.tenantId}: +${p.batchRows} ${p.table === "ad_tokens" ? "rows" : "webhook secrets"} (${p.reEncrypted}/${p.total})`,
        ),
    });
    console.log(
      `Re-encrypted ${summary.reEncrypted} row${summary.reEncrypted === 1 ? "" : "s"} under key "${summary.currentKeyId}" ` +
        `in ${summary.batches} batch${summary.batches === 1 ? "" : "es"}; ${summary.tenantsChanged} of ${summary.tenantsScanned} tenants changed; ` +
        `${summary.seconds.toFixed(1)} s.`,
    );
    console.log(`Of these, webhook signing secrets: ${summary.webhookSecretsReEncrypted}.`);
    if (summary.complete) {
      console.log(`Done: 0 rows left on old keys. Old keys can now be removed from TOKEN_ENCRYPTION_KEYS.`);
    } else {
      console.log(
        `Not finished: ${summary.remaining} row${summary.remaining === 1 ? "" : "s"} still on old keys. Run again to continue; keep the old keys until then.`,
      );
      exitCode = 3;
    }
    return exitCode;
  },
  [KeyRotationError],
);
