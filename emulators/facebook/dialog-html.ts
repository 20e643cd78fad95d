/** HTML of the emulated Login dialog (plain HTML, no script). */
import { escapeHtml as h } from "./http-util.js";
import { choiceRow, renderConsentPage, renderErrorPage as renderError, type Look } from "../shared/consent-page.js";
import type { PersonRecord } from "./types.js";

export const MAX_LISTED_PAGES = 20;

export interface DialogParams {
  clientId: string;
  redirectUri: string;
  state: string;
  responseType: string;
  scopes: string[];
  codeChallenge: string;
  codeChallengeMethod: string;
  /** "reauthorize" asks the person to approve again (renews lapsed 90-day data access); "rerequest" re-asks declined scopes. */
  authType: string;
}

/** Scopes a person cannot refuse in the real dialog. */
export const REQUIRED_SCOPES = new Set(["public_profile"]);

const LOOK: Look = {
  width: 720,
  text: "#1c1e21",
  muted: "#65676b",
  accent: "#1877f2",
  accentHeading: true,
  extra: ".pages{border:1px solid #ddd;border-radius:8px;padding:.75rem 1rem;margin:1rem 0}.pages h3{margin:.2rem 0 .5rem;font-size:1rem}",
};

function personRow(p: PersonRecord, checked: boolean): string {
  const note = `(id ${p.id}, ${p.email === undefined ? "no email" : p.email})`;
  return choiceRow({ type: "radio", name: "person", id: `person-${p.id}`, value: p.id, label: p.name, note, checked });
}

function pagesSection(p: PersonRecord): string {
  const title = `<h3>Pages managed by ${h(p.name)}</h3>`;
  if (p.pages.length === 0) return `<div class="pages" id="pages-${h(p.id)}">${title}<p class="muted">No Pages.</p></div>`;
  if (p.pages.length > MAX_LISTED_PAGES) {
    const all = choiceRow({
      type: "checkbox",
      name: "all_pages",
      id: `all-pages-${p.id}`,
      value: p.id,
      label: `All Pages (${p.pages.length})`,
      checked: true,
    });
    return `<div class="pages" id="pages-${h(p.id)}">${title}${all}<p class="muted">Opt in to all current and future Pages.</p></div>`;
  }
  const rows = p.pages
    .map((pg) =>
      choiceRow({
        type: "checkbox",
        name: "page",
        id: `page-${pg.id}`,
        value: pg.id,
        label: `Page ${pg.name}`,
        note: `(${pg.category})`,
        checked: true,
      }),
    )
    .join("");
  return `<div class="pages" id="pages-${h(p.id)}">${title}${rows}</div>`;
}

export function renderDialog(action: string, params: DialogParams, people: PersonRecord[]): string {
  const reauthorize =
    params.authType === "reauthorize"
      ? '\n<p id="reauthorize">Re-approve: confirm the app may keep accessing your data for another 90 days.</p>'
      : "";
  return renderConsentPage({
    title: "Log in with Facebook (emulator)",
    look: LOOK,
    heading: "Facebook Login emulator",
    intro: `<p class="muted">App ${h(params.clientId)} wants to access your account. Redirect: ${h(params.redirectUri)}</p>${reauthorize}`,
    action,
    hidden: {
      client_id: params.clientId,
      redirect_uri: params.redirectUri,
      state: params.state,
      response_type: params.responseType,
      requested_scopes: params.scopes.join(","),
      code_challenge: params.codeChallenge,
      code_challenge_method: params.codeChallengeMethod,
      auth_type: params.authType,
    },
    people: people.map((p, i) => personRow(p, i === 0)),
    scopes: params.scopes,
    requiredScopes: REQUIRED_SCOPES,
    more: `<p class="muted">Choose the Pages to share (only the selected person's Pages count).</p>\n${people.map(pagesSection).join("\n")}`,
    approveLabel: "Continue",
  });
}

export function renderErrorPage(message: string): string {
  return renderError({ title: "Error (Facebook emulator)", look: LOOK, heading: "Sorry, something went wrong.", message });
}
