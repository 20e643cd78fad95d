/** OAuth scopes as sent in a URL or form (comma- or space-separated), de-duplicated, in order. */
export function splitScopes(raw: string | null | undefined): string[] {
  if (raw === null || raw === undefined) return [];
  return [
    ...new Set(
      raw
        .split(/[,\s]+/)
        .map((s) => s.trim())
        .filter((s) => s !== ""),
    ),
  ];
}
