import type { ReactNode } from "react";
import "@/components/dashboard/dashboard.css";

/**
 * Every workspace screen. Each page renders its own header (TenantHeader) from the one transaction that resolves the
 * membership, so a render costs one membership statement, not one per layout level.
 */
export default function TenantLayout({ children }: { children: ReactNode }) {
  return <div className="min-h-screen">{children}</div>;
}
