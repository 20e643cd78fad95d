import { daysUntil, formatDate, formatDateTime } from "../format";

/**
 * "12 Jan 2027 (in 44 d)": the date and the days left, each kept on one line, the days left going under the date in
 * a narrow column; "Never" for a token that never expires.
 */
export function ExpiryText({ expiresAt, nowMs }: { expiresAt: string | null; nowMs: number }) {
  if (!expiresAt) return <>Never</>;
  const future = new Date(expiresAt).getTime() > nowMs;
  return (
    <span title={formatDateTime(expiresAt)}>
      <span className="whitespace-nowrap">{formatDate(expiresAt)}</span>
      {future && (
        <>
          {" "}
          <small className="whitespace-nowrap">(in {daysUntil(expiresAt, nowMs)} d)</small>
        </>
      )}
    </span>
  );
}
