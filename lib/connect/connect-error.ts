import "server-only";
import { FacebookApiError, describeFacebookError } from "../facebook/errors";
import { isDatabaseUnavailable } from "../db/unavailable";

/** Which part of a connect failed; shown to the person and recorded with the attempt. */
export type ConnectStep = "exchange" | "profile" | "permissions" | "pages" | "save";

/** A connect failure with words a person can act on. Never carries a token. */
export class ConnectError extends Error {
  constructor(
    public readonly step: ConnectStep,
    public readonly code: string,
    public readonly userMessage: string,
    public readonly declinedScopes: string[] = [],
  ) {
    super(`${step}: ${code}`);
    this.name = "ConnectError";
  }
}

const STEP_WORDS: Record<ConnectStep, string> = {
  exchange: "getting a long-lived token from Facebook",
  profile: "reading your Facebook profile",
  permissions: "reading the permissions you granted",
  pages: "reading your Facebook Pages",
  save: "saving the connection",
};

/** Turns anything thrown during a step into a ConnectError (keeps ConnectErrors as they are). */
export function toConnectError(step: ConnectStep, err: unknown): ConnectError {
  if (err instanceof ConnectError) return err;
  if (err instanceof FacebookApiError) {
    const code = err.info.transport ?? `facebook_${err.code ?? err.info.status}${err.subcode ? `_${err.subcode}` : ""}`;
    return new ConnectError(step, code, `Connecting failed while ${STEP_WORDS[step]}: ${describeFacebookError(err)}`);
  }
  if (isDatabaseUnavailable(err)) {
    // Ours, not Facebook's: Facebook answered; our database did not.
    return new ConnectError(
      "save",
      "database_unavailable",
      "Connecting failed: Facebook answered, but we couldn't reach our database to save the connection, so nothing was saved. Connect again in a minute.",
    );
  }
  if (step === "save") {
    return new ConnectError(step, "database", "Connecting failed while saving the connection; nothing was saved. Try again in a minute.");
  }
  return new ConnectError(step, "unexpected", `Connecting failed while ${STEP_WORDS[step]}. Nothing was saved. Try again.`);
}
