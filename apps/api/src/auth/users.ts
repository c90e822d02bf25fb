import { type Database, schema } from "@tasklane/db";
import { eq } from "drizzle-orm";
import type { VerifiedToken } from "./verifier";

/**
 * Gives a verified token's subject a `user` row, so tasks keep their foreign key.
 * Better Auth's `email` is NOT NULL and UNIQUE: a token without an email, or with
 * one another user already has, gets a placeholder under the reserved .invalid TLD.
 * ON CONFLICT DO NOTHING lets a user's concurrent first requests all succeed.
 */
export async function ensureUser(db: Database, token: VerifiedToken): Promise<void> {
  const placeholderEmail = `${encodeURIComponent(token.userId)}@users.tasklane.invalid`;
  const name = token.name ?? token.email?.split("@")[0] ?? "Tasklane user";
  const inserted = await db
    .insert(schema.user)
    .values({ id: token.userId, name, email: token.email ?? placeholderEmail })
    .onConflictDoNothing()
    .returning({ id: schema.user.id });
  if (inserted.length > 0 || token.email === null) return;

  const [existing] = await db
    .select({ id: schema.user.id })
    .from(schema.user)
    .where(eq(schema.user.id, token.userId));
  if (existing) return;
  await db
    .insert(schema.user)
    .values({ id: token.userId, name, email: placeholderEmail })
    .onConflictDoNothing();
}

/** Remembers which users already have a row, so requests skip the insert. Bounded. */
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
