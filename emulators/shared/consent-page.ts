/**
 * The emulators' login pages (plain HTML, no script): one page shell, one consent form (who to continue as, the
 * permissions asked for, approve / cancel), one error page. Each service brings its own words, colours and extra
 * sections (Facebook's Pages).
 */
import { escapeHtml as h } from "../facebook/http-util.js";

export interface Look {
  /** Page width in px. */
  width: number;
  text: string;
  muted: string;
  /** The approve button (and, when set, the heading). */
  accent: string;
  accentHeading: boolean;
  /** Rules for the service's own sections. */
  extra?: string;
}

export function styleOf(look: Look): string {
  return `body{font-family:system-ui,sans-serif;max-width:${look.width}px;margin:2rem auto;color:${look.text}}
h1{${look.accentHeading ? `color:${look.accent};` : ""}font-size:1.4rem}fieldset{border:1px solid #ddd;border-radius:8px;padding:.75rem 1rem;margin:1rem 0}
.row{margin:.3rem 0}.muted{color:${look.muted};font-size:.9rem}
button{font-size:1rem;padding:.5rem 1.2rem;margin-right:.5rem;border-radius:6px;border:1px solid #ccc}
button[value=approve]{background:${look.accent};color:#fff;border-color:${look.accent}}${look.extra ? `\n${look.extra}` : ""}`;
}

function page(title: string, look: Look, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${h(title)}</title><style>${styleOf(look)}</style></head>
<body><main>
${body}
</main></body></html>`;
}

/** One radio or checkbox with its label and an optional muted note, e.g. `(required)`. */
export function choiceRow(c: {
  type: "radio" | "checkbox";
  name: string;
  id: string;
  value: string;
  label: string;
  note?: string;
  checked: boolean;
  disabled?: boolean;
}): string {
  return (
    `<div class="row"><input type="${c.type}" name="${h(c.name)}" id="${h(c.id)}" value="${h(c.value)}"` +
    `${c.checked ? " checked" : ""}${c.disabled ? " disabled" : ""}> <label for="${h(c.id)}">${h(c.label)}</label>` +
    `${c.note === undefined ? "" : ` <span class="muted">${h(c.note)}</span>`}</div>`
  );
}

/** The consent form: hidden request fields, "Continue as", "Permissions requested" (required scopes ticked and locked). */
export function renderConsentPage(c: {
  title: string;
  look: Look;
  heading: string;
  /** HTML (escaped by the caller) between the heading and the form. */
  intro: string;
  action: string;
  hidden: Record<string, string>;
  /** One choiceRow per person, the first checked. */
  people: string[];
  scopes: string[];
  requiredScopes: ReadonlySet<string>;
  /** HTML (escaped by the caller) after the permissions, e.g. Facebook's Pages. */
  more?: string;
  approveLabel: string;
}): string {
  const hidden = Object.entries(c.hidden)
    .map(([name, value]) => `<input type="hidden" name="${h(name)}" value="${h(value)}">`)
    .join("\n");
  const scopeRows =
    c.scopes.length === 0
      ? '<p class="muted">No permissions requested.</p>'
      : c.scopes
          .map((scope) => {
            const required = c.requiredScopes.has(scope);
            const row = {
              type: "checkbox",
              name: "scope",
              id: `scope-${scope}`,
              value: scope,
              label: `Scope ${scope}`,
              checked: true,
            } as const;
            return choiceRow(required ? { ...row, disabled: true, note: "(required)" } : row);
          })
          .join("\n");
  return page(
    c.title,
    c.look,
    `<h1>${h(c.heading)}</h1>
${c.intro}
<form method="post" action="${h(c.action)}">
${hidden}
<fieldset><legend>Continue as</legend>
${c.people.join("\n")}
</fieldset>
<fieldset><legend>Permissions requested</legend>
${scopeRows}
</fieldset>
${c.more ?? ""}
<div class="row"><button type="submit" name="decision" value="approve">${h(c.approveLabel)}</button>
<button type="submit" name="decision" value="cancel">Cancel</button></div>
</form>`,
  );
}

export function renderErrorPage(c: { title: string; look: Look; heading: string; message: string }): string {
  return page(c.title, c.look, `<h1>${h(c.heading)}</h1><p id="error-message">${h(c.message)}</p>`);
}
