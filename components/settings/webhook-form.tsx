"use client";
import { useMutation } from "../use-mutation";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/event-types";
import { api, errorMessage } from "../api";

/** Owners and admins add an endpoint; the signing secret is shown once, right here. */
export function WebhookForm({ slug }: { slug: string }) {
  const router = useRouter();
  const [, startTransition] = useTransition();
  const [url, setUrl] = useState("");
  const [types, setTypes] = useState<string[]>(["token.status_changed"]);
  const [problem, setProblem] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: () => api.createWebhookEndpoint({ slug, body: { url, eventTypes: types as (typeof WEBHOOK_EVENT_TYPES)[number][] } }),
    onMutate: () => setProblem(null),
    onSuccess: (r) => {
      setSecret(r.secret);
      setUrl("");
      startTransition(() => router.refresh());
    },
    onError: (err) => setProblem(errorMessage(err)),
  });
  return (
    <form
      aria-label="Add a webhook endpoint"
      className="space-y-3 rounded-xl border border-slate-200 bg-white p-4"
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
    >
      <label className="block">
        <span className="text-sm font-medium">Endpoint URL</span>
        <input
          type="url"
          required
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="https://hooks.example.com/social-tokens"
          className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-2"
          aria-label="Endpoint URL"
        />
      </label>
      <fieldset className="flex flex-wrap gap-3 text-sm">
        <legend className="mb-1 font-medium">Events</legend>
        {WEBHOOK_EVENT_TYPES.map((t) => (
          <label key={t} className="flex items-center gap-1">
            <input
              type="checkbox"
              checked={types.includes(t)}
              onChange={(e) => setTypes(e.target.checked ? [...types, t] : types.filter((x) => x !== t))}
            />
            <code>{t}</code>
          </label>
        ))}
      </fieldset>
      <button
        type="submit"
        disabled={add.isPending}
        className="rounded-lg bg-slate-900 px-4 py-2 font-semibold text-white hover:bg-slate-700 disabled:opacity-60"
      >
        {add.isPending ? "Adding…" : "Add endpoint"}
      </button>
      {problem && (
        <p role="alert" className="text-sm text-red-700">
          {problem}
        </p>
      )}
      {secret && (
        <div role="status" data-testid="webhook-secret" className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm">
          <p className="font-semibold">Signing secret — copy it now, it is not shown again:</p>
          <code className="mt-1 block break-all">{secret}</code>
          <p className="mt-1 text-xs">
            Verify each request with any Standard Webhooks library (headers webhook-id, webhook-timestamp, webhook-signature).
          </p>
        </div>
      )}
    </form>
  );
}

/** Per-endpoint actions: send a test event, enable/disable, delete; per delivery: redeliver. */
export function EndpointActions({ slug, endpointId, enabled }: { slug: string; endpointId: string; enabled: boolean }) {
  const router = useRouter();
  const [, startTransition] = useTransition();
  const [note, setNote] = useState<string | null>(null);
  const run = useMutation({
    mutationFn: async (what: "test" | "toggle" | "delete") => {
      if (what === "test") return api.testWebhookEndpoint({ slug, endpointId }).then(() => "Test event queued.");
      if (what === "toggle")
        return api
          .updateWebhookEndpoint({ slug, endpointId, body: { enabled: !enabled } })
          .then(() => (enabled ? "Disabled." : "Enabled."));
      return api.deleteWebhookEndpoint({ slug, endpointId }).then(() => "Deleted.");
    },
    onSuccess: (msg) => {
      setNote(msg);
      startTransition(() => router.refresh());
    },
    onError: (err) => setNote(errorMessage(err)),
  });
  const btn = "rounded-lg border border-slate-300 px-3 py-1 text-sm hover:bg-slate-50 disabled:opacity-60";
  return (
    <div className="flex flex-wrap items-center gap-2">
      <button type="button" className={btn} disabled={run.isPending} onClick={() => run.mutate("test")}>
        Send test event
      </button>
      <button type="button" className={btn} disabled={run.isPending} onClick={() => run.mutate("toggle")}>
        {enabled ? "Disable" : "Enable"}
      </button>
      <button type="button" className={btn} disabled={run.isPending} onClick={() => run.mutate("delete")}>
        Delete
      </button>
      {note && (
        <span role="status" className="text-sm text-slate-600">
          {note}
        </span>
      )}
    </div>
  );
}

export function RedeliverButton({ slug, deliveryId }: { slug: string; deliveryId: string }) {
  const router = useRouter();
  const [, startTransition] = useTransition();
  const run = useMutation({
    mutationFn: () => api.redeliverWebhook({ slug, deliveryId }),
    onSuccess: () => startTransition(() => router.refresh()),
  });
  return (
    <button
      type="button"
      className="text-sm text-blue-700 underline disabled:opacity-60"
      disabled={run.isPending}
      onClick={() => run.mutate()}
    >
      Redeliver
    </button>
  );
}

/** The member's own alert email choice for this workspace. */
export function NotificationChoice({ slug, mode }: { slug: string; mode: "immediate" | "digest" | "off" }) {
  const [value, setValue] = useState(mode);
  const [note, setNote] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (m: typeof mode) => api.setNotificationMode({ slug, body: { mode: m } }),
    onSuccess: (r) => setNote(`Saved: ${r.mode === "digest" ? "daily digest" : r.mode}.`),
    onError: (err) => setNote(errorMessage(err)),
  });
  return (
    <fieldset className="space-y-2 rounded-xl border border-slate-200 bg-white p-4 text-sm">
      <legend className="font-medium">Alert emails for this workspace (owners and admins receive them)</legend>
      {(
        [
          ["immediate", "Immediately (at most one email per kind of problem a day)"],
          ["digest", "Daily digest"],
          ["off", "Off"],
        ] as const
      ).map(([m, label]) => (
        <label key={m} className="flex items-center gap-2">
          <input
            type="radio"
            name="email-mode"
            value={m}
            checked={value === m}
            onChange={() => {
              setValue(m);
              save.mutate(m);
            }}
          />
          {label}
        </label>
      ))}
      {note && (
        <p role="status" className="text-slate-600">
          {note}
        </p>
      )}
    </fieldset>
  );
}
