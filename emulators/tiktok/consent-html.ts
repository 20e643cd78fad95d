/** HTML of the emulated TikTok Login Kit consent page (plain HTML, no script). */
import { escapeHtml as h } from "../facebook/http-util.js";
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

const STYLE = `body{font-family:system-ui,sans-serif;max-width:640px;margin:2rem auto;color:#161823}
h1{font-size:1.4rem}fieldset{border:1px solid #ddd;border-radius:8px;padding:.75rem 1rem;margin:1rem 0}
.row{margin:.3rem 0}.muted{color:#6b6b75;font-size:.9rem}
button{font-size:1rem;padding:.5rem 1.2rem;margin-right:.5rem;border-radius:6px;border:1px solid #ccc}
button[value=approve]{background:#fe2c55;color:#fff;border-color:#fe2c55}`;

function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${h(name)}" value="${h(value)}">`;
}

export function renderConsent(action: string, params: AuthorizeParams, people: TikTokPerson[]): string {
  const fields = [
    hidden("client_key", params.clientKey),
    hidden("redirect_uri", params.redirectUri),
    hidden("state", params.state),
    hidden("requested_scopes", params.scopes.join(",")),
    hidden("code_challenge", params.codeChallenge),
    hidden("code_challenge_method", params.codeChallengeMethod),
  ].join("\n");
  const peopleRows = people
    .map((p, i) => {
      const id = `person-${p.openId}`;
      return (
        `<div class="row"><input type="radio" name="person" id="${h(id)}" value="${h(p.openId)}"${i === 0 ? " checked" : ""}>` +
        ` <label for="${h(id)}">${h(p.displayName)}</label> <span class="muted">(@${h(p.username)})</span></div>`
      );
    })
    .join("\n");
  const scopeRows = params.scopes
    .map((s) => {
      const id = `scope-${s}`;
      const required = REQUIRED_SCOPES.has(s);
      return (
        `<div class="row"><input type="checkbox" name="scope" id="${h(id)}" value="${h(s)}" checked${required ? " disabled" : ""}>` +
        ` <label for="${h(id)}">Scope ${h(s)}</label>${required ? ' <span class="muted">(required)</span>' : ""}</div>`
      );
    })
    .join("\n");
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Log in with TikTok (emulator)</title><style>${STYLE}</style></head>
<body><main>
<h1>TikTok Login Kit emulator</h1>
<p class="muted">App ${h(params.clientKey)} wants to access your TikTok account. Redirect: ${h(params.redirectUri)}</p>
<form method="post" action="${h(action)}">
${fields}
<fieldset><legend>Continue as</legend>
${peopleRows}
</fieldset>
<fieldset><legend>Permissions requested</legend>
${scopeRows}
</fieldset>
<div class="row"><button type="submit" name="decision" value="approve">Authorize</button>
<button type="submit" name="decision" value="cancel">Cancel</button></div>
</form>
</main></body></html>`;
}

export function renderErrorPage(message: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Error (TikTok emulator)</title><style>${STYLE}</style></head>
<body><main><h1>Something went wrong</h1><p id="error-message">${h(message)}</p></main></body></html>`;
}
