/** HTML of the emulated TikTok Login Kit consent page (plain HTML, no script). */
import { escapeHtml as h } from "../facebook/http-util.js";
import { choiceRow, renderConsentPage, renderErrorPage as renderError, type Look } from "../shared/consent-page.js";
import type { TikTokPerson } from "./state.js";

export interface AuthorizeParams {
  clientKey: string;
  redirectUri: string;
  state: string;
  scopes: string[];
  codeChallenge: string;
  codeChallengeMethod: string;
}

/** Scopes a person cannot refuse on TikTok's consent page. */
export const REQUIRED_SCOPES = new Set(["user.info.basic"]);

const LOOK: Look = { width: 640, text: "#161823", muted: "#6b6b75", accent: "#fe2c55", accentHeading: false };

export function renderConsent(action: string, params: AuthorizeParams, people: TikTokPerson[]): string {
  return renderConsentPage({
    title: "Log in with TikTok (emulator)",
    look: LOOK,
    heading: "TikTok Login Kit emulator",
    intro: `<p class="muted">App ${h(params.clientKey)} wants to access your TikTok account. Redirect: ${h(params.redirectUri)}</p>`,
    action,
    hidden: {
      client_key: params.clientKey,
      redirect_uri: params.redirectUri,
      state: params.state,
      requested_scopes: params.scopes.join(","),
      code_challenge: params.codeChallenge,
      code_challenge_method: params.codeChallengeMethod,
    },
    people: people.map((p, i) =>
      choiceRow({
        type: "radio",
        name: "person",
        id: `person-${p.openId}`,
        value: p.openId,
        label: p.displayName,
        note: `(@${p.username})`,
        checked: i === 0,
      }),
    ),
    scopes: params.scopes,
    requiredScopes: REQUIRED_SCOPES,
    approveLabel: "Authorize",
  });
}

export function renderErrorPage(message: string): string {
  return renderError({ title: "Error (TikTok emulator)", look: LOOK, heading: "Something went wrong", message });
}
