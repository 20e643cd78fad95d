/** Up to two initials of a name: "Alpha Bakery" → "AB", "alice" → "A". */
export function initialsOf(name: string): string {
  const words = name.split(/\s+/).filter((w) => /^\p{L}|^\p{N}/u.test(w));
  return (
    words
      .slice(0, 2)
      .map((w) => [...w][0]?.toUpperCase())
      .join("") || "?"
  );
}

/** A picture (Facebook's CDN: a plain lazy <img>, no optimiser round trip), or the name's initials. */
const SIZE = { 40: "h-10 w-10", 44: "h-11 w-11" } as const;

export function Avatar({ src, name, size, round = false }: { src: string | null; name: string; size: keyof typeof SIZE; round?: boolean }) {
  const cls = `avatar ${SIZE[size]} ${round ? "rounded-full" : "rounded-lg"}`;
  return src ? (
    // eslint-disable-next-line @next/next/no-img-element
    <img src={src} alt="" width={size} height={size} loading="lazy" className={cls} />
  ) : (
    <span aria-hidden className={cls}>
      {initialsOf(name)}
    </span>
  );
}
