"use client";
import { useMutation } from "../use-mutation";
import { useState } from "react";
import type { ApiKeyView } from "@/lib/api-keys/manage-keys";
import { API_SCOPES, SCOPE_LABEL, type ApiScope } from "@/lib/api-keys/scopes";
import { api, errorMessage } from "../api";
import { ConfirmDialog } from "../confirm-dialog";
import { formatDate, formatDateTime } from "../format";
import { useToast } from "../toast";
import { Button } from "../ui/button";
import { ActionForm, FormProblem, SubmitButton, TextField, useFormAction, useRefresh } from "../ui/form";

/** Create a key (shown once), list keys (prefix only), revoke with a confirmation. */
export function ApiKeysPanel({ slug, keys, pages }: { slug: string; keys: ApiKeyView[]; pages: { id: string; name: string }[] }) {
  const refresh = useRefresh();
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  return (
    <div className="space-y-6">
      {created ? (
        <NewKey created={created} onDone={() => setCreated(null)} />
      ) : (
        <CreateKeyForm
          slug={slug}
          pages={pages}
          onCreated={(c) => {
            setCreated(c);
            refresh();
          }}
        />
      )}
      <KeyList slug={slug} keys={keys} onRevoked={refresh} />
    </div>
  );
}

function NewKey({ created, onDone }: { created: { name: string; key: string }; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <section
      aria-label="Your new API key"
      className="space-y-3 rounded-xl border border-emerald-300 bg-emerald-50 p-4"
      data-testid="new-api-key"
    >
      <p className="font-semibold">Key “{created.name}” created. Copy it now: it is shown only this once.</p>
      <div className="flex flex-col gap-2 sm:flex-row">
        <input
          readOnly
          value={created.key}
          aria-label="New API key"
          data-testid="new-api-key-value"
          onFocus={(e) => e.currentTarget.select()}
          className="w-full rounded-lg border border-slate-300 bg-white px-3 py-2 font-mono text-sm"
        />
        <Button
          variant="primary"
          size="lg"
          onClick={() => {
            void navigator.clipboard.writeText(created.key).then(
              () => setCopied(true),
              () => setCopied(false),
            );
          }}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
      <p className="text-sm text-slate-700">Store it in your automation&apos;s secrets. We keep only a hash: nobody can show it again.</p>
      <Button onClick={onDone}>Done</Button>
    </section>
  );
}

function CreateKeyForm({
  slug,
  pages,
  onCreated,
}: {
  slug: string;
  pages: { id: string; name: string }[];
  onCreated: (c: { name: string; key: string }) => void;
}) {
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<ApiScope[]>(["pages:read", "tokens:read"]);
  const [expires, setExpires] = useState("");
  const [limit, setLimit] = useState(false);
  const [pageIds, setPageIds] = useState<string[]>([]);
  const create = useFormAction({
    send: () =>
      api.createApiKey({
        slug,
        body: {
          name,
          scopes,
          expiresAt: expires ? new Date(`${expires}T23:59:59Z`).toISOString() : null,
          pageIds: limit ? pageIds : [],
        },
      }),
    check: () => {
      if (!name.trim()) return "Give the key a name (e.g. the automation that will use it).";
      if (scopes.length === 0) return "Pick at least one scope.";
      if (limit && pageIds.length === 0) return "Pick the Pages this key may reach, or untick the limit.";
      return null;
    },
    onSuccess: (res) => {
      setName("");
      setPageIds([]);
      setLimit(false);
      setExpires("");
      onCreated({ name: res.name, key: res.key });
    },
  });
  const toggle = <T,>(list: T[], v: T) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  return (
    <ActionForm label="Create an API key" action={create} roomy>
      <h2 className="font-semibold">Create a key</h2>
      <TextField label="Name" value={name} onValue={setName} placeholder="Post scheduler" maxLength={80} />
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium">Scopes</legend>
        {API_SCOPES.map((s) => (
          <label key={s} className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={scopes.includes(s)} onChange={() => setScopes(toggle(scopes, s))} />
            <code>{s}</code> — {SCOPE_LABEL[s]}
          </label>
        ))}
      </fieldset>
      <label className="block space-y-1">
        <span className="text-sm font-medium">Expires (optional)</span>
        <input
          type="date"
          value={expires}
          onChange={(e) => setExpires(e.target.value)}
          className="rounded-lg border border-slate-300 px-3 py-2"
        />
      </label>
      <fieldset className="space-y-1">
        <label className="flex items-center gap-2 text-sm font-medium">
          <input type="checkbox" checked={limit} onChange={() => setLimit(!limit)} />
          Only some Pages
        </label>
        {limit && (
          <div className="max-h-48 space-y-1 overflow-y-auto rounded-lg border border-slate-200 p-2">
            {pages.length === 0 && <p className="text-sm text-slate-600">No Pages connected yet.</p>}
            {pages.map((p) => (
              <label key={p.id} className="flex items-center gap-2 text-sm">
                <input type="checkbox" checked={pageIds.includes(p.id)} onChange={() => setPageIds(toggle(pageIds, p.id))} />
                {p.name}
              </label>
            ))}
          </div>
        )}
      </fieldset>
      <FormProblem action={create} />
      <SubmitButton action={create} pendingLabel="Creating…">
        Create key
      </SubmitButton>
    </ActionForm>
  );
}

function KeyList({ slug, keys, onRevoked }: { slug: string; keys: ApiKeyView[]; onRevoked: () => void }) {
  const toast = useToast();
  const [target, setTarget] = useState<ApiKeyView | null>(null);
  const revoke = useMutation({
    mutationFn: (k: ApiKeyView) => api.revokeApiKey({ slug, keyId: k.id }),
    onSuccess: (res) => {
      toast.success(`Revoked “${res.name}”. Automations using it now get 401.`);
      setTarget(null);
      onRevoked();
    },
    onError: (err) => {
      toast.error(errorMessage(err));
      setTarget(null);
    },
  });
  if (keys.length === 0)
    return <p className="rounded-xl border border-slate-200 bg-white p-6 text-center text-slate-600">No API keys yet.</p>;
  return (
    <>
      <ul data-testid="api-keys" className="divide-y divide-slate-200 overflow-hidden rounded-xl border border-slate-200 bg-white">
        {keys.map((k) => (
          <li key={k.id} data-testid="api-key-row" data-key-name={k.name} className="flex flex-wrap items-start gap-3 px-4 py-3">
            <div className="min-w-0 flex-1 space-y-0.5 text-sm">
              <p className="font-medium">
                {k.name} <code className="text-slate-500">{k.prefix}…</code>
                {k.revokedAt && (
                  <span className="ml-2 rounded bg-red-100 px-1.5 text-xs text-red-800">revoked {formatDate(k.revokedAt)}</span>
                )}
              </p>
              <p className="text-slate-600">
                {k.scopes.join(", ")} · {k.pages.length === 0 ? "every Page" : k.pages.map((p) => p.name).join(", ")}
              </p>
              <p className="text-xs text-slate-500">
                Created {formatDate(k.createdAt)} by {k.createdByName ?? "someone"} · last used{" "}
                {k.lastUsedAt ? formatDateTime(k.lastUsedAt) : "never"} · {k.expiresAt ? `expires ${formatDate(k.expiresAt)}` : "no expiry"}
              </p>
            </div>
            {!k.revokedAt && (
              <Button variant="danger" onClick={() => setTarget(k)}>
                Revoke
              </Button>
            )}
          </li>
        ))}
      </ul>
      <ConfirmDialog
        open={target !== null}
        title={`Revoke “${target?.name ?? ""}”?`}
        confirmLabel="Revoke key"
        pendingLabel="Revoking…"
        pending={revoke.isPending}
        onConfirm={() => target && revoke.mutate(target)}
        onCancel={() => setTarget(null)}
      >
        <p>Automations using this key get 401 from their next request. This cannot be undone; create a new key if you need one.</p>
      </ConfirmDialog>
    </>
  );
}
