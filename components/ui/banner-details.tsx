import type { ReactNode } from "react";

/**
 * A banner's body that is one line on a phone: the headline as a <summary> with a "Details" toggle, the rest behind
 * it. From sm up everything shows and the toggle hides (the .banner-details rules in components/dashboard/dashboard.css).
 */
export function BannerDetails({
  headline,
  headlineClassName,
  children,
}: {
  headline: ReactNode;
  headlineClassName: string;
  children: ReactNode;
}) {
  return (
    <details className="banner-details">
      <summary className="banner-summary">
        <span className={`banner-headline ${headlineClassName}`}>{headline}</span>
        <span data-testid="banner-details-toggle" className="banner-details-toggle">
          Details
        </span>
      </summary>
      {children}
    </details>
  );
}
