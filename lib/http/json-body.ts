import "server-only";

/** A request's JSON body, or the words for why it is not one. `emptyIs`: what an empty body means (if allowed). */
export async function readJsonBody(
  req: Request,
  opts: { emptyIs?: unknown } = {},
): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  const text = await req.text();
  if (text.trim() === "" && "emptyIs" in opts) return { ok: true, value: opts.emptyIs };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, message: "The request body is not valid JSON." };
  }
}
