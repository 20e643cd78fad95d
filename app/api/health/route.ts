import { NextResponse } from "next/server";

/** Liveness for load balancers and the e2e harness. Says nothing about data. */
export function GET() {
  return NextResponse.json({ ok: true });
}
