/**
 * Local ports and files for the e2e stack (the app, the Facebook emulator, the stack description).
 * E2E_PORT_OFFSET shifts both ports and NEXT_DIST_DIR picks another build folder, so two runs can share a machine
 * (e.g. E2E_PORT_OFFSET=10 NEXT_DIST_DIR=.next-b npx next build && … npx playwright test).
 */
const offset = Number(process.env.E2E_PORT_OFFSET ?? 0);
const appPort = 3200 + offset;
const emulatorPort = 4110 + offset;
const mailSmtpPort = 4510 + offset;
const mailHttpPort = 4610 + offset;
const tiktokPort = 4710 + offset;

export const E2E = {
  appPort,
  appUrl: `http://localhost:${appPort}`,
  emulatorPort,
  emulatorUrl: `http://127.0.0.1:${emulatorPort}`,
  /** The local mail capture (emulators/mail): the app's SMTP_URL, and its inbox over HTTP. */
  mailSmtpPort,
  mailHttpPort,
  cronSecret: "e2e-cron-secret-0123456789",
  tiktokPort,
  tiktokClientKey: "e2eclientkey",
  tiktokClientSecret: "e2e-tiktok-client-secret",
  stackFile: `.data/e2e-stack${offset ? `-${offset}` : ""}.json`,
  appLog: `.data/e2e-app${offset ? `-${offset}` : ""}.log`,
  /**
   * `npm run demo` started by e2e/specs/demo-restart.spec.ts: app, embedded database, emulators, mail catcher. All
   * below 32768, outside Linux's range of local ports for outgoing connections (32768–60999): a port in that range can
   * be held by any of the suite's own connections at the moment the demo binds it.
   */
  demo: {
    appPort: 3500 + offset,
    dbPort: 25400 + offset,
    emulatorPort: 4500 + offset,
    tiktokPort: 4820 + offset,
    mailSmtpPort: 4920 + offset,
    mailHttpPort: 5020 + offset,
  },
  appId: "1234567890",
  appSecret: "e2e-emulator-app-secret",
  authSecret: "e2e-auth-secret-that-is-long-enough-123456",
};
