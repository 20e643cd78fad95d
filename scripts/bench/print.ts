type Figures = Record<string, number | string>;

const show = (v: number | string | undefined) => (v === undefined ? "" : typeof v === "number" ? String(Number(v.toFixed(2))) : v);

/** Figures as a list. */
export function printFigures(title: string, figures: Figures): void {
  console.log(`\n== ${title}`);
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(width)}  ${show(v)}`);
}

/** Figures side by side: one column per run (e.g. per size), one row per figure. */
export function printTable(title: string, columns: Record<string, Figures>): void {
  console.log(`\n== ${title}`);
  const names = [...new Set(Object.values(columns).flatMap((f) => Object.keys(f)))];
  const heads = Object.keys(columns);
  const width = Math.max(...names.map((k) => k.length));
  const colWidth = heads.map((hd) => Math.max(hd.length, ...names.map((n) => show(columns[hd]?.[n]).length)));
  console.log(`  ${"".padEnd(width)}  ${heads.map((hd, i) => hd.padStart(colWidth[i] as number)).join("  ")}`);
  for (const n of names) {
    console.log(`  ${n.padEnd(width)}  ${heads.map((hd, i) => show(columns[hd]?.[n]).padStart(colWidth[i] as number)).join("  ")}`);
  }
}
