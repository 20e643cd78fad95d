/** @type {import('next').NextConfig} */
const isProd = process.env.NODE_ENV === "production";

// Security headers for every response. The Content-Security-Policy is set per request by proxy.ts (a fresh script
// nonce each time, and only the hosts the app needs: lib/http/csp.ts).
const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  ...(isProd ? [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains; preload" }] : []),
];

const nextConfig = {
  // A separate build folder lets two e2e runs share a machine (see e2e/support/ports.ts).
  distDir: process.env.NEXT_DIST_DIR || ".next",
  reactStrictMode: true,
  poweredByHeader: false,
  serverExternalPackages: ["pg", "@electric-sql/pglite", "@electric-sql/pglite-socket"],
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders },
      // OAuth codes and states travel in URLs on auth routes: never leak them through Referer.
      { source: "/api/auth/:path*", headers: [{ key: "Referrer-Policy", value: "no-referrer" }] },
      // Invitation links carry their one-time token in the path.
      { source: "/invite/:path*", headers: [{ key: "Referrer-Policy", value: "no-referrer" }] },
    ];
  },
};

export default nextConfig;
