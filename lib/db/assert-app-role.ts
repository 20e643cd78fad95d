import "server-only";
import type { Db } from "./client";

export class UnsafeDatabaseRoleError extends Error {
  constructor(role: string, reasons: string[]) {
    super(
      `Refusing to run: the database role "${role}" in DATABASE_URL ${reasons.join(" and ")}, so row-level security ` +
        `would not isolate tenants. Point DATABASE_URL at the app role (a member of social_app; see README.md#database-roles) ` +
        `and keep the owner for DATABASE_OWNER_URL (migrations only).`,
    );
    this.name = "UnsafeDatabaseRoleError";
  }
}

interface RoleFacts {
  role: string;
  is_superuser: boolean;
  bypasses_rls: boolean;
  owns_tables: boolean;
}

const checked = new WeakMap<Db, Promise<void>>();

/** Throws UnsafeDatabaseRoleError if the connected role is superuser, BYPASSRLS, or owns a tenant-owned table. */
export async function inspectRole(client: Db): Promise<void> {
  const [facts] = await client.$queryRaw<RoleFacts[]>`
    SELECT current_user AS role,
           r.rolsuper AS is_superuser,
           r.rolbypassrls AS bypasses_rls,
           EXISTS (
             SELECT 1 FROM pg_class c
             WHERE c.relnamespace = 'public'::regnamespace
               AND c.relname IN ('ad_tokens', 'social_identities', 'facebook_pages', 'memberships', 'audit_events', 'connect_attempts')
               AND pg_has_role(current_user, c.relowner, 'USAGE')
           ) AS owns_tables
    FROM pg_roles r WHERE r.rolname = current_user`;
  if (!facts) throw new Error("Could not read the database role's attributes");
  const reasons: string[] = [];
  if (facts.is_superuser) reasons.push("is a superuser");
  if (facts.bypasses_rls) reasons.push("has BYPASSRLS");
  if (facts.owns_tables) reasons.push("owns (or is a member of the owner of) the tenant tables");
  if (reasons.length) throw new UnsafeDatabaseRoleError(facts.role, reasons);
}

/** Checked once per client; every tenant transaction awaits it, so an unsafe role never reads a row. */
export function assertAppRoleCannotBypassRls(client: Db): Promise<void> {
  let p = checked.get(client);
  if (!p) {
    p = inspectRole(client);
    p.catch(() => checked.delete(client));
    checked.set(client, p);
  }
  return p;
}
