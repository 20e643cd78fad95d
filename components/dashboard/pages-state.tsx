"use client";
import { useRouter } from "next/navigation";
import { createContext, useCallback, useContext, useMemo, useState, useTransition, type HTMLAttributes, type ReactNode } from "react";
import { StatusBadge, type BadgeStatus } from "../status-badge";

/**
 * Client state layered over the server-rendered list, for optimistic updates: rows being disconnected are hidden at
 * once, tokens being checked show "Checking…" then their new status, until router.refresh() brings the server's
 * rows. Each override remembers the server value it was made against ("basis"), so fresh server data wins.
 */

interface Override {
  basis: string;
  status: BadgeStatus;
  note: string | null;
}

interface PagesState {
  isHidden(key: string): boolean;
  hide(key: string): void;
  unhide(key: string): void;
  override(tokenId: string): Override | undefined;
  setOverride(tokenId: string, o: Override | null): void;
  /** router.refresh() in a transition: the server's list replaces the optimistic one. */
  refresh(): void;
  refreshing: boolean;
}

const Ctx = createContext<PagesState | null>(null);

export function PagesStateProvider({ children }: { children: ReactNode }) {
  const router = useRouter();
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [overrides, setOverrides] = useState<Readonly<Record<string, Override>>>({});
  const [refreshing, startTransition] = useTransition();

  const hide = useCallback((key: string) => setHidden((s) => new Set(s).add(key)), []);
  const unhide = useCallback(
    (key: string) =>
      setHidden((s) => {
        const n = new Set(s);
        n.delete(key);
        return n;
      }),
    [],
  );
  const setOverride = useCallback((tokenId: string, o: Override | null) => {
    setOverrides((all) => {
      const n = { ...all };
      if (o) n[tokenId] = o;
      else delete n[tokenId];
      return n;
    });
  }, []);
  const refresh = useCallback(() => startTransition(() => router.refresh()), [router]);

  const value = useMemo<PagesState>(
    () => ({
      isHidden: (key) => hidden.has(key),
      hide,
      unhide,
      override: (id) => overrides[id],
      setOverride,
      refresh,
      refreshing,
    }),
    [hidden, overrides, hide, unhide, setOverride, refresh, refreshing],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function usePagesState(): PagesState {
  const s = useContext(Ctx);
  if (!s) throw new Error("usePagesState needs <PagesStateProvider>");
  return s;
}

/** A list item the actions inside it can hide optimistically (key = Page id + its token ids: a reconnect is new). */
export function OptimisticItem({
  hideKey,
  children,
  ...rest
}: { hideKey: string; children: ReactNode } & HTMLAttributes<HTMLLIElement> & { "data-testid"?: string }) {
  const { isHidden } = usePagesState();
  return (
    <li {...rest} hidden={isHidden(hideKey)}>
      {children}
    </li>
  );
}

/** A token's badge, showing an in-flight or just-finished check until the server's row catches up. */
export function LiveStatusBadge({
  token: { id, status, expiresAt, lastCheckedAt, lastError },
  nowMs,
}: {
  token: { id: string; status: BadgeStatus; expiresAt: string | null; lastCheckedAt: string | null; lastError: string | null };
  nowMs: number;
}) {
  const { override } = usePagesState();
  const o = override(id);
  const current = o && o.basis === basisOf(status, lastCheckedAt) ? o : null;
  return (
    <StatusBadge
      status={current?.status ?? status}
      expiresAt={expiresAt}
      nowMs={nowMs}
      title={(current ? current.note : lastError) ?? undefined}
    />
  );
}

export function basisOf(status: string, lastCheckedAt: string | null): string {
  return `${status}|${lastCheckedAt ?? ""}`;
}
