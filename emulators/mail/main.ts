/** CLI: `npm run fake-mail` — a local SMTP catcher (port 2525) with an inbox at http://127.0.0.1:4030. */
import { startMailCapture } from "./server";

const capture = await startMailCapture({
  smtpPort: Number(process.env.MAIL_SMTP_PORT ?? 2525),
  httpPort: Number(process.env.MAIL_HTTP_PORT ?? 4030),
});
console.log(`Mail catcher: SMTP_URL=${capture.smtpUrl} · inbox ${capture.url}`);
const stop = () => void capture.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
