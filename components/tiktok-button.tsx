import { buttonClass, type ButtonSize } from "./ui/button";

/** The TikTok submit button (Connect TikTok, Reconnect), inside a form whose action it runs. */
export function TikTokButton({ label, size = "sm" }: { label: string; size?: ButtonSize }) {
  return (
    <button type="submit" className={buttonClass("tiktok", size)}>
      <svg aria-hidden viewBox="0 0 24 24" className={size === "lg" ? "h-5 w-5 fill-current" : "h-4 w-4 fill-current"}>
        <path d="M16.6 5.82A4.28 4.28 0 0 1 15.54 3h-3.09v12.4a2.59 2.59 0 0 1-2.59 2.5 2.6 2.6 0 0 1-2.6-2.6 2.6 2.6 0 0 1 3.4-2.47V9.68a5.7 5.7 0 0 0-.8-.06A5.69 5.69 0 0 0 4.17 15.3 5.69 5.69 0 0 0 9.86 21a5.69 5.69 0 0 0 5.69-5.69V9.01a7.35 7.35 0 0 0 4.3 1.38V7.3a4.28 4.28 0 0 1-3.25-1.48" />
      </svg>
      {label}
    </button>
  );
}
