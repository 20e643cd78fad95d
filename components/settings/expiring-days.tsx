"use client";
import { useMutation } from "../use-mutation";
import { useState } from "react";
import { EXPIRING_DAYS } from "@/lib/webhooks/event-types";
import { api, errorMessage } from "../api";
import { useRefresh } from "../ui/form";

/** How many days before a token expires the endpoint gets token.expiring (a whole number, 1 to 60). */
export function ExpiringDaysInput({
  value,
  onChange,
  label = "token.expiring: days ahead",
}: {
  value: number;
  onChange: (days: number) => void;
  label?: string;
}) {
  return (
    <label className="flex items-center gap-2 text-sm">
      <span className="font-medium">{label}</span>
      <input
        type="number"
        required
        min={EXPIRING_DAYS.min}
        max={EXPIRING_DAYS.max}
        step={1}
        value={Number.isNaN(value) ? "" : value}
        onChange={(e) => onChange(e.target.valueAsNumber)}
        className="w-20 rounded-lg border border-slate-300 px-2 py-1"
        aria-label={label}
      />
    </label>
  );
}

/** Changes an existing endpoint's days ahead for token.expiring (saved when the field is left with a new value). */
export function EndpointExpiringDays({ slug, endpointId, days }: { slug: string; endpointId: string; days: number }) {
  const refresh = useRefresh();
  const [value, setValue] = useState(days);
  const [note, setNote] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (expiringDays: number) => api.updateWebhookEndpoint({ slug, endpointId, body: { expiringDays } }),
    onSuccess: (r) => {
      setNote(`Saved: ${r.endpoint.expiringDays} days ahead.`);
      refresh();
    },
    onError: (err) => setNote(errorMessage(err)),
  });
  return (
    <div
      className="flex flex-wrap items-center gap-2"
      onBlur={() => {
        if (value !== days) save.mutate(value);
      }}
    >
      <ExpiringDaysInput value={value} onChange={setValue} />
      {note && (
        <span role="status" className="text-sm text-slate-600">
          {note}
        </span>
      )}
    </div>
  );
}
