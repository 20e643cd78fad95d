import Link from "next/link";
import { openApiDocument } from "@/lib/api-v1/openapi";

export const metadata = { title: "Token API reference — Social Tokens" };

type Json = Record<string, unknown>;

const METHOD_STYLE: Record<string, string> = { get: "bg-sky-100 text-sky-800", post: "bg-emerald-100 text-emerald-800" };

function Schema({ schema }: { schema: unknown }) {
  return <pre className="max-h-96 overflow-auto rounded-lg bg-slate-900 p-3 text-xs text-slate-100">{JSON.stringify(schema, null, 2)}</pre>;
}

/** The token API's reference, rendered from the same OpenAPI document as /api/v1/openapi.json. */
export default function ApiReferencePage() {
  const doc = openApiDocument() as Json & {
    info: { title: string; version: string; description: string };
    paths: Record<string, Record<string, Json>>;
  };
  return (
    <main className="mx-auto max-w-4xl space-y-8 px-4 py-8">
      <header className="space-y-2">
        <h1 className="text-2xl font-semibold">
          {doc.info.title} <span className="text-base font-normal text-slate-500">v{doc.info.version}</span>
        </h1>
        <p className="text-slate-700">{doc.info.description}</p>
        <p className="text-sm text-slate-600">
          Authenticate with <code>Authorization: Bearer stk_live_…</code>. Every answer is <code>Cache-Control: no-store</code>; errors are{" "}
          <code>{'{"error": {"code", "message"}}'}</code>. Machine-readable:{" "}
          <Link className="underline" href="/api/v1/openapi.json">
            /api/v1/openapi.json
          </Link>{" "}
          (OpenAPI 3.1).
        </p>
      </header>
      {Object.entries(doc.paths).map(([path, ops]) =>
        Object.entries(ops).map(([method, op]) => {
          const o = op as {
            operationId: string;
            summary: string;
            description: string;
            parameters: { name: string; in: string; required: boolean; description?: string; schema: Json }[];
            requestBody?: { content: { "application/json": { schema: Json } } };
            responses: Record<string, { description?: string; $ref?: string; content?: { "application/json": { schema: Json } } }>;
          };
          return (
            <section
              key={`${method} ${path}`}
              id={o.operationId}
              data-testid="api-operation"
              className="space-y-3 rounded-xl border border-slate-200 bg-white p-5"
            >
              <h2 className="flex flex-wrap items-center gap-2 text-lg font-semibold">
                <span className={`rounded px-2 py-0.5 font-mono text-sm uppercase ${METHOD_STYLE[method] ?? ""}`}>{method}</span>
                <code className="text-base">{path}</code>
                <span className="font-normal text-slate-600">— {o.summary}</span>
              </h2>
              <p className="whitespace-pre-line text-sm text-slate-700">{o.description}</p>
              {o.parameters.length > 0 && (
                <table className="w-full text-left text-sm">
                  <thead>
                    <tr className="text-slate-500">
                      <th className="py-1 pr-3">Parameter</th>
                      <th className="py-1 pr-3">In</th>
                      <th className="py-1">Description</th>
                    </tr>
                  </thead>
                  <tbody>
                    {o.parameters.map((p) => (
                      <tr key={p.name} className="border-t border-slate-100 align-top">
                        <td className="py-1 pr-3 font-mono">
                          {p.name}
                          {p.required && <span className="text-red-700">*</span>}
                        </td>
                        <td className="py-1 pr-3">{p.in}</td>
                        <td className="py-1">
                          {p.description ?? ""} <code className="text-xs text-slate-500">{JSON.stringify(p.schema)}</code>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              {o.requestBody && (
                <div className="space-y-1">
                  <h3 className="text-sm font-semibold">Body (JSON, optional)</h3>
                  <Schema schema={o.requestBody.content["application/json"].schema} />
                </div>
              )}
              <div className="space-y-1">
                <h3 className="text-sm font-semibold">Responses</h3>
                <ul className="space-y-2 text-sm">
                  {Object.entries(o.responses).map(([status, r]) => (
                    <li key={status}>
                      <span className="font-mono font-semibold">{status}</span>{" "}
                      {r.$ref
                        ? status === "429"
                          ? "Too many requests with this key: wait Retry-After seconds."
                          : "No API key, or a wrong, revoked or expired one."
                        : r.description}
                      {status === "200" && r.content && <Schema schema={r.content["application/json"].schema} />}
                    </li>
                  ))}
                </ul>
              </div>
            </section>
          );
        }),
      )}
    </main>
  );
}
