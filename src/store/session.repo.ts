import { sql, type Kysely, type Selectable } from 'kysely';
import type { Schema, SessionsTable, SignInThrottleTable } from './schema.js';

export type SessionRow = Selectable<SessionsTable>;
export type ThrottleRow = Selectable<SignInThrottleTable>;

/** A user's password state, for sign-in and password changes. */
export interface Credentials {
  readonly userId: string;
  readonly email: string;
  readonly passwordHash: string;
  readonly mustChangePassword: boolean;
}

/**
 * Portal sign-in state: sessions, the failed-sign-in throttle, the first-run token,
 * operators and users' password hashes. Not tenant data: a session is found by its
 * token before anyone knows which organisation is asking.
 */
export class SessionRepo {
  constructor(private readonly db: Kysely<Schema>) {}

  async insert(row: SessionRow): Promise<void> {
    await this.db.insertInto('sessions').values(row).execute();
  }

  async findByDigest(tokenDigest: string): Promise<SessionRow | undefined> {
    return this.db
      .selectFrom('sessions')
      .selectAll()
      .where('token_digest', '=', tokenDigest)
      .executeTakeFirst();
  }

  async findById(id: string): Promise<SessionRow | undefined> {
    return this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async touch(id: string, at: string): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
  }

  async setOrganisation(id: string, orgId: string | null): Promise<void> {
    await this.db.updateTable('sessions').set({ org_id: orgId }).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  /** Ends every session of `userId` except `keepId` (after a password change). */
  async deleteOthers(userId: string, keepId: string | null): Promise<void> {
    let query = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (keepId !== null) {
      query = query.where('id', '<>', keepId);
    }
    await query.execute();
  }

  /** Removes sessions whose absolute end has passed; idle ones are refused when used. */
  async deleteExpired(now: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
  }

  async throttle(email: string): Promise<ThrottleRow | undefined> {
    return this.db
      .selectFrom('sign_in_throttle')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirst();
  }

  /**
   * Adds one failure for `email` in one statement (concurrent failures all count): a
   * window that began at or before `windowStart` is over, so the count starts again.
   */
  async countFailure(email: string, at: string, windowStart: string): Promise<ThrottleRow> {
    const stale = sql<boolean>`sign_in_throttle.window_started_at <= ${windowStart}`;
    return this.db
      .insertInto('sign_in_throttle')
      .values({ email, failures: 1, window_started_at: at, locked_until: null })
      .onConflict((oc) =>
        oc.column('email').doUpdateSet({
          failures: sql<number>`case when ${stale} then 1 else sign_in_throttle.failures + 1 end`,
          window_started_at: sql<string>`case when ${stale} then ${at} else sign_in_throttle.window_started_at end`,
          locked_until: null,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async lock(email: string, until: string): Promise<void> {
    await this.db
      .updateTable('sign_in_throttle')
      .set({ locked_until: until })
      .where('email', '=', email)
      .execute();
  }

  async clearThrottle(email: string): Promise<void> {
    await this.db.deleteFrom('sign_in_throttle').where('email', '=', email).execute();
  }

  /** Replaces any first-run token with this one: only the latest link works. */
  async replaceSetupToken(tokenDigest: string, at: string): Promise<void> {
    await this.db.deleteFrom('setup_tokens').execute();
    await this.db
      .insertInto('setup_tokens')
      .values({ token_digest: tokenDigest, created_at: at })
      .execute();
  }

  /** Removes the first-run token if it is this one; true when it was. */
  async consumeSetupToken(tokenDigest: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('setup_tokens')
      .where('token_digest', '=', tokenDigest)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async clearSetupTokens(): Promise<void> {
    await this.db.deleteFrom('setup_tokens').execute();
  }

  async anyOperator(): Promise<boolean> {
    const row = await this.db.selectFrom('operators').select('user_id').limit(1).executeTakeFirst();
    return row !== undefined;
  }

  async isOperator(userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('operators')
      .select('user_id')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async addOperator(userId: string, at: string): Promise<void> {
    await this.db.insertInto('operators').values({ user_id: userId, created_at: at }).execute();
  }

  /** The password state of the user with this (already case-folded) address or id. */
  async credentials(ref: { email: string } | { userId: string }): Promise<Credentials | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'email', 'password_hash', 'must_change_password'])
      .where('email' in ref ? 'email' : 'id', '=', 'email' in ref ? ref.email : ref.userId)
      .executeTakeFirst();
    return (
      row && {
        userId: row.id,
        email: row.email,
        passwordHash: row.password_hash,
        mustChangePassword: row.must_change_password !== 0,
      }
    );
  }

  async setPassword(userId: string, passwordHash: string, mustChange: boolean): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ password_hash: passwordHash, must_change_password: mustChange ? 1 : 0 })
      .where('id', '=', userId)
      .execute();
  }
}
