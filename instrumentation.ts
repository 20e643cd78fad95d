/** Next.js calls register() once per server process at boot: refuse to serve with a bad configuration. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { runStartupChecksOrExit } = await import("./lib/startup");
    await runStartupChecksOrExit();
  }
}
