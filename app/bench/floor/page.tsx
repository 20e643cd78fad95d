import { notFound } from "next/navigation";
import { connection } from "next/server";
import "@/components/dashboard/dashboard.css";
import { floorProps } from "@/lib/bench/floor-data";
import { DashboardView } from "@/components/dashboard/dashboard-view";

/** `npm run bench`'s floor: the dashboard's markup from memory (no session, no database). 404 unless BENCH_FLOOR_DATA. */
export default async function BenchFloor() {
  await connection(); // rendered per request, like the dashboard
  const props = floorProps();
  if (!props) notFound();
  return (
    <div className="min-h-screen">
      <DashboardView {...props} />
    </div>
  );
}
