import { defineConfig } from "prisma/config";

// Prisma 7 keeps the connection URL here, not in schema.prisma. Only the Prisma CLI reads this file;
// the app connects through lib/db/client.ts and migrations run through scripts/migrate.ts.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_OWNER_URL ?? process.env.DATABASE_URL ?? "postgresql://localhost/placeholder" },
});
