import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import "./globals.css";
import "@/components/ui/ui.css";

export const metadata: Metadata = {
  title: "Social Tokens — connect Facebook Pages for your clients",
  description: "Connect clients' Facebook Pages once; keep their tokens healthy, encrypted and isolated per tenant.",
  icons: {
    icon: [
      { url: "/icon.svg", type: "image/svg+xml" },
      { url: "/favicon.ico", sizes: "32x32" },
    ],
    apple: "/apple-touch-icon.png",
  },
};

// Every page is rendered per request: its scripts carry that request's CSP nonce (proxy.ts).
export const dynamic = "force-dynamic";

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
