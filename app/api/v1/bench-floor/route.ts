import { benchFloor } from "@/lib/api-v1/bench-floor";

export const POST = benchFloor;
