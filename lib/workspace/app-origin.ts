import "server-only";
import { env } from "../env";

/** The app's public origin for links in emails: AUTH_URL when set (it is, outside Vercel), else the request's. */
export function appOrigin(req: Request): string {
  return new URL(env().AUTH_URL ?? req.url).origin;
}
