import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * PostgreSQL compresses every value over about 2 KB as it stores it. With its default
 * method (pglz), compressing a 4000-character hardware hash cost more than writing the
 * rest of the row: 20 000 hashes took 2.4 s with pglz and 1.1 s with lz4, for the same
 * size on disk. lz4 exists from PostgreSQL 14 when the server is built with it (Debian's
 * and the official images are); elsewhere the column keeps the server's default.
 * Values stored before this migration stay as they are; PostgreSQL reads both. SQLite
 * does not compress, so there is nothing to change there.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await setHashCompression(db, 'lz4');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await setHashCompression(db, 'default');
}

async function setHashCompression(db: Kysely<unknown>, method: 'lz4' | 'default') {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) {
    return;
  }
  // Run dynamically, so that a server without lz4 (feature_not_supported) or older than
  // 14 (syntax_error) keeps its default instead of failing the migration.
  const statement = `alter table batch_row_hashes alter column hardware_hash set compression ${method}`;
  await sql`
    do $$
    begin
      execute ${sql.lit(statement)};
    exception when feature_not_supported or syntax_error then
      null;
    end
    $$`.execute(db);
}
