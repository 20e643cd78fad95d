/** JSON Facebook sent in a header or a batch entry's body: undefined when absent or not JSON (never throws). */
export function parseJsonOrUndefined(text: string | null | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
