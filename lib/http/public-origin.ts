import "server-only";
import { env } from "../env";

/** The app's public origin for links we hand out: AUTH_URL's origin when set, else the request's own origin. */
export function publicOrigin(request: Request): string {
  const configured = env().AUTH_URL;
  return configured ? new URL(configured).origin : new URL(request.url).origin;
}
