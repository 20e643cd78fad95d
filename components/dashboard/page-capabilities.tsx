import { pageCapabilities, type CapabilityVerdict } from "@/lib/tokens/capabilities";
import type { PageView } from "@/lib/workspace/dashboard-data";

/** A Page's token that best describes what the Page can do now: the first one that still works, else the first. */
function bestToken(page: PageView) {
  const working = ["active", "expiring", "unchecked", "data_access_expiring"];
  return page.tokens.find((t) => working.includes(t.status)) ?? page.tokens[0] ?? null;
}

export function capabilitiesOf(page: PageView): CapabilityVerdict[] {
  const t = bestToken(page);
  return pageCapabilities({
    tasks: page.tasks,
    grantedScopes: t?.scopes ?? [],
    declinedScopes: t?.declinedScopes ?? [],
    tokenStatus: t?.status ?? "none",
  });
}

/**
 * What the Page can do (post, moderate, message, ads, insights) as five compact marks, and why not for the rest in
 * a <details> (tap to open on a phone; no JavaScript).
 */
export function PageCapabilities({ page }: { page: PageView }) {
  const verdicts = capabilitiesOf(page);
  const denied = verdicts.filter((v) => !v.can);
  return (
    <div className="cap" data-testid="capabilities">
      <ul className="cap-list" aria-label="What this Page's token can do">
        {verdicts.map((v) => (
          <li key={v.capability} data-capability={v.capability} data-can={v.can} title={v.reason ?? `Can ${v.label.toLowerCase()}`}>
            <span aria-hidden>{v.can ? "✓" : "✕"}</span> {v.label}
            <span className="sr-only">{v.can ? ": yes" : `: no, ${v.reason}`}</span>
          </li>
        ))}
      </ul>
      {denied.length > 0 && (
        <details className="cap-why">
          <summary>Why not?</summary>
          <ul>
            {denied.map((v) => (
              <li key={v.capability} data-testid={`why-${v.capability}`}>
                <b>{v.label}:</b> {v.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
