import type { Kysely } from 'kysely';
import { PreflightError } from '../domain/errors.js';
import type { ApiClient, Membership, Role, User } from '../domain/user.js';
import { isUniqueViolation } from './constraint-error.js';
import type { Schema } from './schema.js';

/** People, their memberships, and API clients. */
export class UserRepo {
  constructor(private readonly db: Kysely<Schema>) {}

  async insertUser(user: User, passwordHash: string): Promise<void> {
    try {
      await this.db
        .insertInto('users')
        .values({
          id: user.id,
          email: user.email,
          password_hash: passwordHash,
          must_change_password: 1,
          created_at: user.createdAt,
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error, 'email')) {
        throw new PreflightError(
          'user.duplicate_email',
          `A user with the address ${user.email} already exists.`,
          {
            email: user.email,
          },
        );
      }
      throw error;
    }
  }

  async addMembership(membership: Membership, at: string): Promise<void> {
    await this.db
      .insertInto('memberships')
      .values({
        user_id: membership.userId,
        org_id: membership.orgId,
        role: membership.role,
        created_at: at,
      })
      .execute();
  }

  /** Finds a user by id or e-mail address (any case). */
  async findByRef(ref: string): Promise<User | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'email', 'created_at'])
      .where((eb) => eb.or([eb('id', '=', ref), eb('email', '=', ref.trim().toLowerCase())]))
      .executeTakeFirst();
    return row && { id: row.id, email: row.email, createdAt: row.created_at };
  }

  /** The user's role in `orgId`, if the user belongs to it. */
  async membership(userId: string, orgId: string): Promise<Membership | undefined> {
    const row = await this.db
      .selectFrom('memberships')
      .select(['user_id', 'org_id', 'role'])
      .where('user_id', '=', userId)
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    return row && { userId: row.user_id, orgId: row.org_id, role: row.role };
  }

  async memberships(userId: string): Promise<Membership[]> {
    const rows = await this.db
      .selectFrom('memberships')
      .select(['user_id', 'org_id', 'role'])
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .execute();
    return rows.map((row) => ({ userId: row.user_id, orgId: row.org_id, role: row.role }));
  }

  async insertClient(client: ApiClient, secretHash: string): Promise<void> {
    await this.db
      .insertInto('api_clients')
      .values({
        client_id: client.clientId,
        org_id: client.orgId,
        secret_hash: secretHash,
        roles: JSON.stringify(client.roles),
        created_at: client.createdAt,
      })
      .execute();
  }

  /** A client with its secret hash, for authentication. */
  async findClient(clientId: string): Promise<(ApiClient & { secretHash: string }) | undefined> {
    const row = await this.db
      .selectFrom('api_clients')
      .selectAll()
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return (
      row && {
        clientId: row.client_id,
        orgId: row.org_id,
        roles: JSON.parse(row.roles) as Role[],
        createdAt: row.created_at,
        secretHash: row.secret_hash,
      }
    );
  }
}
