"use client";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";

type Tone = "success" | "error" | "info";
interface Toast {
  id: number;
  tone: Tone;
  message: string;
}

interface ToastApi {
  success(message: string): void;
  error(message: string): void;
  info(message: string): void;
}

const Ctx = createContext<ToastApi | null>(null);

const TONE: Record<Tone, string> = {
  success: "border-emerald-300 bg-white text-slate-900 [&_b]:text-emerald-700",
  error: "border-red-300 bg-red-50 text-red-900 [&_b]:text-red-700",
  info: "border-slate-300 bg-white text-slate-900 [&_b]:text-slate-700",
};
const ICON: Record<Tone, string> = { success: "✓", error: "!", info: "i" };

/**
 * Toasts: a polite live region at the bottom left (full width on phones), away from the rows' buttons, which sit on
 * the right of the table. While toasts show, a spacer as tall as them ends the page, so the lowest rows can still be
 * scrolled above them. Errors stay until dismissed.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const region = useRef<HTMLDivElement>(null);
  const [spacer, setSpacer] = useState(0);
  useEffect(() => {
    const el = region.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setSpacer(el.childElementCount > 0 ? el.offsetHeight + 16 : 0));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const push = useCallback(
    (tone: Tone, message: string) => {
      const id = next.current++;
      setToasts((all) => [...all.slice(-3), { id, tone, message }]);
      if (tone !== "error") setTimeout(() => dismiss(id), 6000);
    },
    [dismiss],
  );
  const api = useMemo<ToastApi>(
    () => ({ success: (m) => push("success", m), error: (m) => push("error", m), info: (m) => push("info", m) }),
    [push],
  );

  return (
    <Ctx.Provider value={api}>
      {children}
      <div aria-hidden style={{ height: spacer }} />
      <div
        ref={region}
        aria-live="polite"
        role="status"
        data-testid="toasts"
        className="pointer-events-none fixed bottom-0 left-0 z-50 flex w-full flex-col gap-2 p-4 sm:w-auto"
      >
        {toasts.map((t) => (
          <div
            key={t.id}
            data-testid="toast"
            data-tone={t.tone}
            className={`pointer-events-auto flex w-full items-start gap-3 sm:w-96 rounded-lg border p-3 text-sm shadow-lg ${TONE[t.tone]}`}
          >
            <b aria-hidden className="mt-0.5 font-bold">
              {ICON[t.tone]}
            </b>
            <p className="flex-1">{t.message}</p>
            <button
              type="button"
              onClick={() => dismiss(t.id)}
              className="rounded px-1 text-slate-500 hover:text-slate-900"
              aria-label="Dismiss"
            >
              ×
            </button>
          </div>
        ))}
      </div>
    </Ctx.Provider>
  );
}

export function useToast(): ToastApi {
  const api = useContext(Ctx);
  if (!api) throw new Error("useToast needs <ToastProvider>");
  return api;
}
