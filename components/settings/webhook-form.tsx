"use client";
import { useMutation } from "../use-mutation";
import { useState } from "react";
import { EXPIRING_DAYS, WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/event-types";
import { api, errorMessage } from "../api";
import { ActionForm, FormProblem, SubmitButton, TextField, useFormAction, useRefresh } from "../ui/form";
import { ExpiringDaysInput } from "./expiring-days";

/** Owners and admins add an endpoint; the signing secret is shown once, right here. */
export function WebhookForm({ slug }: { slug: string }) {
  const refresh = useRefresh();
  const [url, setUrl] = useState("");
  const [types, setTypes] = useState<string[]>(["token.status_changed"]);
  const [days, setDays] = useState<number>(EXPIRING_DAYS.default);
  const [secret, setSecret] = useState<string | null>(null);
  const add = useFormAction({
    send: () =>
      api.createWebhookEndpoint({ slug, body: { url, eventTypes: types as (typeof WEBHOOK_EVENT_TYPES)[number][], expiringDays: days } }),
    onSuccess: (r) => {
      setSecret(r.secret);
      setUrl("");
      refresh();
    },
  });
  return (
    <ActionForm label="Add a webhook endpoint" action={add}>
      <TextField
        label="Endpoint URL"
        type="url"
        required
        value={url}
        onValue={setUrl}
        placeholder="https://hooks.example.com/social-tokens"
      />
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
      <ExpiringDaysInput value={days} onChange={setDays} />
      <SubmitButton action={add} pendingLabel="Adding…">
        Add endpoint
      </SubmitButton>
      <FormProblem action={add} />
      {secret && (
        <div role="status" data-testid="webhook-secret" className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm">
          <p className="font-semibold">Signing secret — copy it now, it is not shown again:</p>
          <code className="mt-1 block break-all">{secret}</code>
          <p className="mt-1 text-xs">
            Verify each request with any Standard Webhooks library (headers webhook-id, webhook-timestamp, webhook-signature).
          </p>
        </div>
      )}
    </ActionForm>
  );
}

/** Per-endpoint actions: send a test event, enable/disable, delete; per delivery: redeliver. */
export function EndpointActions({ slug, endpointId, enabled }: { slug: string; endpointId: string; enabled: boolean }) {
  const refresh = useRefresh();
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
      refresh();
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
  const refresh = useRefresh();
  const run = useMutation({
    mutationFn: () => api.redeliverWebhook({ slug, deliveryId }),
    onSuccess: refresh,
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
