/** Grid of the Pages list's header row: the same columns as .pr (rows) in components/dashboard/dashboard.css. */
export const PAGE_GRID =
  "md:grid md:grid-cols-[minmax(0,2.3fr)_minmax(0,1.7fr)_minmax(0,1.9fr)_minmax(0,1fr)_minmax(0,1fr)_13.5rem] md:items-center md:gap-4";
