import { type DatabaseOrTransaction, schema } from "@tasklane/db";
import { eq, sql } from "drizzle-orm";
import type { ServiceContext, UserIdentity } from "../context";
import { AccountDeletedError } from "../domain-errors";

/** A bounded set of user ids, per process: a query saved for each one it holds. */
class UserIdSet {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity: number) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    if (this.ids.size >= this.capacity) this.ids.clear();
    this.ids.add(id);
  }
}

/** Users known to have a row, so writes skip the insert. */
const knownUsers = new UserIdSet(50_000);
/** Accounts found deleted (tombstones are forever): refused without asking the database. */
const deletedUsers = new UserIdSet(10_000);

/** Whether this process already found the account deleted (no query). */
export function isKnownDeleted(userId: string): boolean {
  return deletedUsers.has(userId);
}

/** Whether the account was deleted (schema.deletedUser); remembered once found. */
export async function isDeletedAccount(
  db: DatabaseOrTransaction,
  userId: string,
): Promise<boolean> {
  if (deletedUsers.has(userId)) return true;
  const rows = await db
    .select({ userId: schema.deletedUser.userId })
    .from(schema.deletedUser)
    .where(eq(schema.deletedUser.userId, userId));
  if (rows.length > 0) deletedUsers.add(userId);
  return rows.length > 0;
}

/**
 * Gives a verified token's subject a `user` row, so tasks keep their foreign key, unless the
 * account was deleted: the insert itself is conditional on there being no tombstone, so a
 * deletion racing with it cannot be undone by it.
 * Better Auth's `email` is NOT NULL and UNIQUE: a token without an email, or with
 * one another user already has, gets a placeholder under the reserved .invalid TLD.
 * ON CONFLICT DO NOTHING lets a user's concurrent first requests all succeed.
 */
async function insertUserRow(db: DatabaseOrTransaction, identity: UserIdentity): Promise<void> {
  const placeholderEmail = `${encodeURIComponent(identity.userId)}@users.tasklane.invalid`;
  const name = identity.name ?? identity.email?.split("@")[0] ?? "Tasklane user";
  const insertUnlessDeleted = async (email: string) => {
    const { rows } = await db.execute(sql`
      INSERT INTO "user" ("id", "name", "email")
      SELECT ${identity.userId}, ${name}, ${email}
      WHERE NOT EXISTS (SELECT 1 FROM "deleted_user" WHERE "user_id" = ${identity.userId})
      ON CONFLICT DO NOTHING
      RETURNING "id"`);
    return rows;
  };

  if ((await insertUnlessDeleted(identity.email ?? placeholderEmail)).length > 0) return;
  const [existing] = await db
    .select({ id: schema.user.id })
    .from(schema.user)
    .where(eq(schema.user.id, identity.userId));
  if (existing) return;
  if (await isDeletedAccount(db, identity.userId)) throw new AccountDeletedError();
  // The email belongs to another user.
  await insertUnlessDeleted(placeholderEmail);
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
  knownUsers.add(ctx.userId);
}
