import "server-only";
import type { Db } from "../db/client";
import { withUser, type Tx } from "../db/tenant-transaction";

/**
 * Sessions that can end. The session cookie is a JWT (no session row is read per request); it carries the person's
 * session generation and a random session id. A session is live while the person's `users.session_generation` still
 * equals the cookie's and its id is not in `ended_sessions`:
 * - signing out records the session id (until the cookie would have expired anyway);
 * - "sign out everywhere" bumps the generation, ending every session at once;
 * - removal from the last workspace bumps it too (`end_sessions_if_no_workspace`, checked in the database).
 * Inside a workspace the check is part of the membership core's one statement (lib/tenancy/membership.ts).
 */

export interface SessionRef {
  id: string;
  sid: string;
  gen: number;
  exp: number;
}

/** One statement: is this session still live? */
export async function sessionIsLiveIn(tx: Tx, session: SessionRef): Promise<boolean> {
  const [row] = await tx.$queryRaw<{ live: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM users u WHERE u.id = ${session.id}::uuid AND u.session_generation = ${session.gen})
       AND NOT EXISTS (SELECT 1 FROM ended_sessions e WHERE e.session_id = ${session.sid}::uuid) AS live`;
  return row?.live === true;
}

/** The generation a new session starts with (Auth.js's jwt callback, at sign-in). */
export async function currentSessionGeneration(userId: string, client?: Db): Promise<number> {
  return withUser(
    userId,
    async (tx) => {
      const [row] = await tx.$queryRaw<{ gen: number }[]>`SELECT session_generation AS gen FROM users WHERE id = ${userId}::uuid`;
      return row?.gen ?? 0;
    },
    { client },
  );
}

/** Signing out: this session ends (other devices stay signed in). Expired records are swept on the way. */
export async function endSession(session: SessionRef, client?: Db): Promise<void> {
  await withUser(
    session.id,
    async (tx) => {
      await tx.$executeRaw`DELETE FROM ended_sessions WHERE expires_at < now()`;
      await tx.$executeRaw`
        INSERT INTO ended_sessions (session_id, user_id, expires_at)
        VALUES (${session.sid}::uuid, ${session.id}::uuid, to_timestamp(${session.exp}))
        ON CONFLICT (session_id) DO NOTHING`;
    },
    { client },
  );
}

/** "Sign out everywhere": every session of the person ends, this one included. */
export async function endAllSessions(userId: string, client?: Db): Promise<void> {
  await withUser(userId, (tx) => tx.$executeRaw`UPDATE users SET session_generation = session_generation + 1 WHERE id = ${userId}::uuid`, {
    client,
  });
}
