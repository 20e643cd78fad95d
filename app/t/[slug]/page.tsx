import { cookies } from "next/headers";
import { requireWorkspace } from "@/lib/auth/session";
import { CONNECT_RESULT_COOKIE, latestConnectResult, readUnrecordedResult } from "@/lib/connect/unrecorded-result";
import { loadDashboardData } from "@/lib/workspace/dashboard-data";
import { parseDashboardQuery } from "@/lib/workspace/dashboard-query";
import { DashboardView } from "@/components/dashboard/dashboard-view";

type Params = Promise<{ slug: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function TenantDashboard({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const { slug } = await params;
  const query = parseDashboardQuery(await searchParams);
  // One transaction: the membership (and the switcher's list) in one statement, then the dashboard in two.
  const { access, tenants, value, user } = await requireWorkspace(slug, "workspace.view", (tx, _m, u) =>
    loadDashboardData(tx, { userId: u.id, query }),
  );
  // The newer of the recorded attempt and a result the database could not record (a connect lost to an outage).
  const unrecorded = readUnrecordedResult((await cookies()).get(CONNECT_RESULT_COOKIE)?.value, access);
  const attempt = latestConnectResult(value.attempt, unrecorded);
  return <DashboardView membership={access} tenants={tenants} user={user} query={query} value={{ ...value, attempt }} />;
}
