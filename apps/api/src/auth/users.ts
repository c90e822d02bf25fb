import { type Database, schema } from "@tasklane/db";
import { eq, sql } from "drizzle-orm";
import type { VerifiedToken } from "./verifier";

/** The token's account was deleted: its row must not come back (see schema.deletedUser). */
export class DeletedAccount extends Error {
  override name = "DeletedAccount";
}

/** Whether the account was deleted. */
export async function isDeletedAccount(db: Database, userId: string): Promise<boolean> {
  const rows = await db
    .select({ userId: schema.deletedUser.userId })
    .from(schema.deletedUser)
    .where(eq(schema.deletedUser.userId, userId));
  return rows.length > 0;
}

/**
 * Gives a verified token's subject a `user` row, so tasks keep their foreign key, unless the
 * account was deleted (DeletedAccount): the insert itself is conditional on there being no
 * tombstone, so a deletion racing with it cannot be undone by it.
 * Better Auth's `email` is NOT NULL and UNIQUE: a token without an email, or with
 * one another user already has, gets a placeholder under the reserved .invalid TLD.
 * ON CONFLICT DO NOTHING lets a user's concurrent first requests all succeed.
 */
export async function ensureUser(db: Database, token: VerifiedToken): Promise<void> {
  const placeholderEmail = `${encodeURIComponent(token.userId)}@users.tasklane.invalid`;
  const name = token.name ?? token.email?.split("@")[0] ?? "Tasklane user";
  const insertUnlessDeleted = async (email: string) => {
    const { rows } = await db.execute(sql`
      INSERT INTO "user" ("id", "name", "email")
      SELECT ${token.userId}, ${name}, ${email}
      WHERE NOT EXISTS (SELECT 1 FROM "deleted_user" WHERE "user_id" = ${token.userId})
      ON CONFLICT DO NOTHING
      RETURNING "id"`);
    return rows;
  };

  if ((await insertUnlessDeleted(token.email ?? placeholderEmail)).length > 0) return;
  const [existing] = await db
    .select({ id: schema.user.id })
    .from(schema.user)
    .where(eq(schema.user.id, token.userId));
  if (existing) return;
  if (await isDeletedAccount(db, token.userId)) throw new DeletedAccount(token.userId);
  // The email belongs to another user.
  await insertUnlessDeleted(placeholderEmail);
}

/** A bounded set of user ids (those known to have a row, those known deleted): a query saved. */
export class KnownUsers {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity = 50_000) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    if (this.ids.size >= this.capacity) this.ids.clear();
    this.ids.add(id);
  }
}
