import type { Kysely, Selectable } from 'kysely';
import type { Schema, SigningKeysTable } from './schema.js';

export type SigningKeyRow = Selectable<SigningKeysTable>;

/** Token signing keys. Not tenant data: every node of a deployment shares them. */
export class SigningKeyRepo {
  constructor(private readonly db: Kysely<Schema>) {}

  /** All keys, newest first. */
  async all(): Promise<SigningKeyRow[]> {
    return this.db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').execute();
  }

  async insert(row: SigningKeyRow): Promise<void> {
    await this.db.insertInto('signing_keys').values(row).execute();
  }
}
