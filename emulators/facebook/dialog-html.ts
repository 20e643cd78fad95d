/** HTML of the emulated Login dialog (plain HTML, no script). */
import { escapeHtml as h } from "./http-util.js";
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

const STYLE = `body{font-family:system-ui,sans-serif;max-width:720px;margin:2rem auto;color:#1c1e21}
h1{color:#1877f2;font-size:1.4rem}fieldset,.pages{border:1px solid #ddd;border-radius:8px;padding:.75rem 1rem;margin:1rem 0}
.pages h3{margin:.2rem 0 .5rem;font-size:1rem}.row{margin:.3rem 0}.muted{color:#65676b;font-size:.9rem}
button{font-size:1rem;padding:.5rem 1.2rem;margin-right:.5rem;border-radius:6px;border:1px solid #ccc}
button[value=approve]{background:#1877f2;color:#fff;border-color:#1877f2}`;

function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${h(name)}" value="${h(value)}">`;
}

function personRow(p: PersonRecord, checked: boolean): string {
  const id = `person-${p.id}`;
  const email = p.email === undefined ? "no email" : p.email;
  return (
    `<div class="row"><input type="radio" name="person" id="${h(id)}" value="${h(p.id)}"${checked ? " checked" : ""}>` +
    ` <label for="${h(id)}">${h(p.name)}</label> <span class="muted">(id ${h(p.id)}, ${h(email)})</span></div>`
  );
}

function scopeRow(scope: string): string {
  const id = `scope-${scope}`;
  const required = REQUIRED_SCOPES.has(scope);
  return (
    `<div class="row"><input type="checkbox" name="scope" id="${h(id)}" value="${h(scope)}" checked${required ? " disabled" : ""}>` +
    ` <label for="${h(id)}">Scope ${h(scope)}</label>${required ? ' <span class="muted">(required)</span>' : ""}</div>`
  );
}

function pagesSection(p: PersonRecord): string {
  const title = `<h3>Pages managed by ${h(p.name)}</h3>`;
  if (p.pages.length === 0) return `<div class="pages" id="pages-${h(p.id)}">${title}<p class="muted">No Pages.</p></div>`;
  if (p.pages.length > MAX_LISTED_PAGES) {
    const id = `all-pages-${p.id}`;
    return (
      `<div class="pages" id="pages-${h(p.id)}">${title}<div class="row">` +
      `<input type="checkbox" name="all_pages" id="${h(id)}" value="${h(p.id)}" checked>` +
      ` <label for="${h(id)}">All Pages (${p.pages.length})</label></div>` +
      `<p class="muted">Opt in to all current and future Pages.</p></div>`
    );
  }
  const rows = p.pages
    .map((pg) => {
      const id = `page-${pg.id}`;
      return (
        `<div class="row"><input type="checkbox" name="page" id="${h(id)}" value="${h(pg.id)}" checked>` +
        ` <label for="${h(id)}">Page ${h(pg.name)}</label> <span class="muted">(${h(pg.category)})</span></div>`
      );
    })
    .join("");
  return `<div class="pages" id="pages-${h(p.id)}">${title}${rows}</div>`;
}

export function renderDialog(action: string, params: DialogParams, people: PersonRecord[]): string {
  const hiddenFields = [
    hidden("client_id", params.clientId),
    hidden("redirect_uri", params.redirectUri),
    hidden("state", params.state),
    hidden("response_type", params.responseType),
    hidden("requested_scopes", params.scopes.join(",")),
    hidden("code_challenge", params.codeChallenge),
    hidden("code_challenge_method", params.codeChallengeMethod),
    hidden("auth_type", params.authType),
  ].join("\n");
  const peopleRows = people.map((p, i) => personRow(p, i === 0)).join("\n");
  const scopeRows = params.scopes.length === 0 ? '<p class="muted">No permissions requested.</p>' : params.scopes.map(scopeRow).join("\n");
  const pageSections = people.map(pagesSection).join("\n");
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Log in with Facebook (emulator)</title><style>${STYLE}</style></head>
<body><main>
<h1>Facebook Login emulator</h1>
<p class="muted">App ${h(params.clientId)} wants to access your account. Redirect: ${h(params.redirectUri)}</p>
${params.authType === "reauthorize" ? '<p id="reauthorize">Re-approve: confirm the app may keep accessing your data for another 90 days.</p>' : ""}
<form method="post" action="${h(action)}">
${hiddenFields}
<fieldset><legend>Continue as</legend>
${peopleRows}
</fieldset>
<fieldset><legend>Permissions requested</legend>
${scopeRows}
</fieldset>
<p class="muted">Choose the Pages to share (only the selected person's Pages count).</p>
${pageSections}
<div class="row"><button type="submit" name="decision" value="approve">Continue</button>
<button type="submit" name="decision" value="cancel">Cancel</button></div>
</form>
</main></body></html>`;
}

export function renderErrorPage(message: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Error (Facebook emulator)</title><style>${STYLE}</style></head>
<body><main><h1>Sorry, something went wrong.</h1><p id="error-message">${h(message)}</p></main></body></html>`;
}
