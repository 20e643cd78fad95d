import { randomBytes } from "node:crypto";

let seq = 0;

/**
 * Pages with ids no other test uses and names that do not contain any person's name (so a person's name found on
 * the dashboard is the identity, not one of its Pages).
 */
export function uniquePages(label: string, count: number, tasks: string[] = ["ANALYZE", "MODERATE", "CREATE_CONTENT"]) {
  const stem = `7${Date.now().toString().slice(-7)}${randomBytes(2).readUInt16BE(0).toString().padStart(5, "0")}${(seq++ % 100).toString().padStart(2, "0")}`;
  const tag = randomBytes(3).toString("hex");
  return Array.from({ length: count }, (_, i) => ({
    id: `${stem}${String(i).padStart(3, "0")}`,
    name: `${label} ${tag} ${i + 1}`,
    category: "Local Business",
    tasks,
  }));
}
