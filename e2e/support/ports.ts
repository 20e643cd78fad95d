/**
 * Local ports and files for the e2e stack (the app, the emulators, the mail catcher, the stack description).
 * E2E_PORT_OFFSET (0–900) and NEXT_DIST_DIR pick another block of ports and another build folder, so runs can share
 * a machine (e.g. E2E_PORT_OFFSET=1 NEXT_DIST_DIR=.next-b npx next build && … npx playwright test). Each offset owns
 * its own block of PORTS_PER_RUN consecutive ports, so no two offsets ever share a port (they did when each service
 * had its own base and offsets 100 apart landed on each other's services), and every block stays below 32768,
 * outside Linux's range of local ports for outgoing connections (32768–60999), which any of the suite's own
 * connections could be holding at the moment a server binds.
 */
const offset = Number(process.env.E2E_PORT_OFFSET ?? 0);
if (!Number.isInteger(offset) || offset < 0 || offset > 900) throw new Error("E2E_PORT_OFFSET must be a whole number from 0 to 900.");
const PORTS_PER_RUN = 16;
const port = (slot: number) => 17000 + offset * PORTS_PER_RUN + slot;
const appPort = port(0);
const emulatorPort = port(1);
const mailSmtpPort = port(2);
const mailHttpPort = port(3);
const tiktokPort = port(4);

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
  /** Ports for app instances a spec starts on its own (startup.spec.ts, outage.spec.ts): nth of five. */
  spareAppPort: (n: 0 | 1 | 2 | 3 | 4) => port(11 + n),
  /** `npm run demo` started by e2e/specs/demo-restart.spec.ts: app, embedded database, emulators, mail catcher. */
  demo: {
    appPort: port(5),
    dbPort: port(6),
    emulatorPort: port(7),
    tiktokPort: port(8),
    mailSmtpPort: port(9),
    mailHttpPort: port(10),
  },
  appId: "1234567890",
  appSecret: "e2e-emulator-app-secret",
  authSecret: "e2e-auth-secret-that-is-long-enough-123456",
};
