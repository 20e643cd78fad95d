import type { InstagramView } from "@/lib/workspace/dashboard-data";

/** The Instagram professional accounts linked to a Page, under the Page's name (they post with its token). */
export function PageInstagram({ accounts }: { accounts: InstagramView[] }) {
  if (accounts.length === 0) return null;
  return (
    <ul className="ig" aria-label="Linked Instagram accounts">
      {accounts.map((a) => (
        <li key={a.id} data-testid="instagram-account" title={a.name ?? undefined}>
          <span aria-hidden className="ig-mark">
            IG
          </span>
          @{a.username ?? a.igUserId}
        </li>
      ))}
    </ul>
  );
}
