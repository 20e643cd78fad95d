import { redirect } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { ensurePersonalTenant, listMyTenants } from "@/lib/tenancy/tenants";

/** After sign-in: open the person's first workspace (made on first sign-in). */
export default async function StartPage() {
  const user = await requireUser();
  const tenants = await listMyTenants(user.id);
  const first = tenants[0] ?? (await ensurePersonalTenant(user.id, user.name));
  redirect(`/t/${first.slug}`);
}
