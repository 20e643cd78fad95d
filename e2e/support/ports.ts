/** Fixed local ports and files for the e2e stack (the app, the Facebook emulator, the stack description). */
export const E2E = {
  appPort: 3200,
  appUrl: "http://localhost:3200",
  emulatorPort: 4110,
  emulatorUrl: "http://127.0.0.1:4110",
  stackFile: ".data/e2e-stack.json",
  appId: "1234567890",
  appSecret: "e2e-emulator-app-secret",
};
