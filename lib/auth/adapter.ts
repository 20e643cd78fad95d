import "server-only";
import { randomUUID } from "node:crypto";
import type { Adapter, AdapterAccount, AdapterUser } from "next-auth/adapters";
import type { Db } from "../db/client";
import { withUser } from "../db/tenant-transaction";
import { isUuid } from "../db/uuid";

/**
 * Auth.js's adapter for JWT sessions, on tables with row-level security (the app role sees a person's own rows, never
 * everyone's emails):
 * - before anyone is known (sign-in), the two lookups go through SECURITY DEFINER functions that answer one person:
 *   `auth_user_by_account` and `auth_user_by_email`;
 * - everything else runs in the person's own context (withUser), including creating them (the id is made here first).
 * Account rows never receive provider tokens (access_token, refresh_token, id_token…): tokens live only in ad_tokens,
 * encrypted; the accounts table has no columns for them. Sessions are JWTs: no session or verification-token methods.
 * Linking an account that is already linked to the same user is a success: two tabs finishing the same first connect
 * at once both find no link and both insert it; the loser's unique violation used to end its sign-in on "Sign-in
 * could not be completed" although the link it wanted exists. A link to another user still fails.
 */

interface UserRow {
  id: string;
  name: string | null;
  email: string | null;
  email_verified: Date | null;
  image: string | null;
}

// AdapterUser types email as string; Facebook may share none (null), as Auth.js's own Prisma adapter also returns.
const adapterUser = (u: { id: string; name: string | null; email: string | null; emailVerified: Date | null; image: string | null }) =>
  ({ id: u.id, name: u.name, email: u.email, emailVerified: u.emailVerified, image: u.image }) as AdapterUser;

const fromRow = (r: UserRow) => adapterUser({ id: r.id, name: r.name, email: r.email, emailVerified: r.email_verified, image: r.image });

const userSelect = { id: true, name: true, email: true, emailVerified: true, image: true } as const;

export function createAuthAdapter(client: Db): Adapter {
  const opts = { client };
  return {
    async createUser(data) {
      const id = randomUUID();
      return withUser(
        id,
        async (tx) =>
          adapterUser(
            await tx.user.create({
              data: {
                id,
                name: data.name ?? null,
                email: data.email || null,
                emailVerified: data.emailVerified ?? null,
                image: data.image ?? null,
              },
              select: userSelect,
            }),
          ),
        opts,
      );
    },
    async getUser(id) {
      if (!isUuid(id)) return null;
      const user = await withUser(id, (tx) => tx.user.findUnique({ where: { id }, select: userSelect }), opts);
      return user ? adapterUser(user) : null;
    },
    async getUserByEmail(email) {
      const [row] = await client.$queryRaw<UserRow[]>`SELECT id, name, email, email_verified, image FROM auth_user_by_email(${email})`;
      return row ? fromRow(row) : null;
    },
    async getUserByAccount({ provider, providerAccountId }) {
      const [row] = await client.$queryRaw<UserRow[]>`
        SELECT id, name, email, email_verified, image FROM auth_user_by_account(${provider}, ${providerAccountId})`;
      return row ? fromRow(row) : null;
    },
    async updateUser({ id, ...data }) {
      return withUser(
        id,
        async (tx) =>
          adapterUser(
            await tx.user.update({
              where: { id },
              data: { name: data.name, email: data.email, emailVerified: data.emailVerified, image: data.image },
              select: userSelect,
            }),
          ),
        opts,
      );
    },
    async deleteUser(id) {
      await withUser(id, (tx) => tx.user.delete({ where: { id } }), opts);
    },
    async linkAccount(account: AdapterAccount) {
      const { userId, type, provider, providerAccountId } = account;
      try {
        await withUser(userId, (tx) => tx.account.create({ data: { userId, type, provider, providerAccountId } }), opts);
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        const [existing] = await client.$queryRaw<{ id: string }[]>`SELECT id FROM auth_user_by_account(${provider}, ${providerAccountId})`;
        if (existing?.id !== userId) throw err;
      }
    },
    async unlinkAccount({ provider, providerAccountId }) {
      const [owner] = await client.$queryRaw<{ id: string }[]>`SELECT id FROM auth_user_by_account(${provider}, ${providerAccountId})`;
      if (!owner) return;
      await withUser(owner.id, (tx) => tx.account.deleteMany({ where: { provider, providerAccountId } }), opts);
    },
  };
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } } } | null;
  const cause = e?.meta?.driverAdapterError?.cause;
  return e?.code === "P2002" || cause?.kind === "UniqueConstraintViolation" || cause?.originalCode === "23505";
}
