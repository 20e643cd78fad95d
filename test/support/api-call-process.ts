/**
 * A second app process for the rate-limit test: imports the token API's route handler (as `next start` would) and
 * calls it `--times=N` with the key in API_TEST_KEY, against the same database (DATABASE_URL from the parent).
 * Prints one JSON line: [{status, remaining, retryAfter}, …].
 */
import { GET } from "../../app/api/v1/pages/route";

const times = Number(process.argv.find((a) => a.startsWith("--times="))?.slice(8) ?? "1");
const out: { status: number; remaining: string | null; retryAfter: string | null }[] = [];
for (let i = 0; i < times; i++) {
  const res = await GET(
    new Request("http://localhost:3000/api/v1/pages", { headers: { authorization: `Bearer ${process.env.API_TEST_KEY}` } }),
    {},
  );
  out.push({ status: res.status, remaining: res.headers.get("ratelimit-remaining"), retryAfter: res.headers.get("retry-after") });
}
console.log(JSON.stringify(out));
process.exit(0);
