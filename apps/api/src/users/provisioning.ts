import { type DatabaseOrTransaction, schema } from "@tasklane/db";
import { eq } from "drizzle-orm";
import type { ServiceContext, UserIdentity } from "../context";

/**
 * Gives a verified token's subject a `user` row, so tasks keep their foreign key.
 * Better Auth's `email` is NOT NULL and UNIQUE: a token without an email, or with
 * one another user already has, gets a placeholder under the reserved .invalid TLD.
 * ON CONFLICT DO NOTHING lets a user's concurrent first requests all succeed.
 */
async function insertUserRow(db: DatabaseOrTransaction, identity: UserIdentity): Promise<void> {
  const placeholderEmail = `${encodeURIComponent(identity.userId)}@users.tasklane.invalid`;
  const name = identity.name ?? identity.email?.split("@")[0] ?? "Tasklane user";
  const inserted = await db
    .insert(schema.user)
    .values({ id: identity.userId, name, email: identity.email ?? placeholderEmail })
    .onConflictDoNothing()
    .returning({ id: schema.user.id });
  if (inserted.length > 0 || identity.email === null) return;

  const [existing] = await db
    .select({ id: schema.user.id })
    .from(schema.user)
    .where(eq(schema.user.id, identity.userId));
  if (existing) return;
  await db
    .insert(schema.user)
    .values({ id: identity.userId, name, email: placeholderEmail })
    .onConflictDoNothing();
}

/** Which users already have a row, so writes skip the insert. Bounded; per process. */
const knownUsers = new Set<string>();
const KNOWN_USERS_CAPACITY = 50_000;

function remember(userId: string) {
  if (knownUsers.size >= KNOWN_USERS_CAPACITY) knownUsers.clear();
  knownUsers.add(userId);
}

/**
 * Makes sure the context's user has a row before a write that needs one (reads never write).
 * `again` re-provisions even a user remembered as present: for a write that found the row
 * gone (the account was deleted after this process saw it).
 */
export async function provisionUser(
  ctx: ServiceContext,
  { again = false }: { again?: boolean } = {},
): Promise<void> {
  if (!ctx.identity || (!again && knownUsers.has(ctx.userId))) return;
  await insertUserRow(ctx.db, ctx.identity);
  remember(ctx.userId);
}
