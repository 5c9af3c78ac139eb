import type { Dialect, Kysely } from 'kysely';

/**
 * Everything that differs between the databases we support, in one place. Every other
 * file of the store is dialect-agnostic and reads these flags instead of testing names.
 */
export interface DialectInfo {
  readonly name: 'sqlite' | 'postgres';
  /** Kysely's dialect, ready to hand to `new Kysely()`. */
  readonly dialect: Dialect;
  /**
   * Most bind parameters one statement may carry; bulk helpers chunk by it.
   * SQLite: 32 766 since 3.32 (SQLITE_MAX_VARIABLE_NUMBER). PostgreSQL: 65 535 (the
   * wire protocol counts parameters in a 16-bit field).
   */
  readonly maxBindParams: number;
  /**
   * `FOR UPDATE SKIP LOCKED` lets several workers claim different rows at once.
   * PostgreSQL: yes. SQLite: no — it has one writer at a time, so a claim inside a write
   * transaction is already exclusive.
   */
  readonly supportsSkipLocked: boolean;
  /**
   * Rows per transaction when a batch is stored (`store`) and when it is registered
   * (`process`). SQLite: 250 and 1000. Its driver writes in this thread, so rows waiting
   * for their write are this process's memory: with 2000 of each they lived long enough
   * for V8 to move them, 400 MB of hash text for 100 000 rows, into the old generation,
   * and an import peaked near 400 MB instead of about 215 MB, for no gain in speed.
   * PostgreSQL: 500 and 2000. Every statement is a round trip, so registering takes 2000
   * at a time; storing streams its rows with COPY, and 500 rows per transaction imported
   * as fast as 2000 with ~50 MB less peak memory.
   */
  readonly batchChunkRows: { readonly store: number; readonly process: number };
  /**
   * The fastest way this database takes many rows at once, used for bulk writes inside a
   * transaction. SQLite: a cached prepared statement run row by row — its driver is
   * in-process and synchronous, so that beats building one huge multi-row statement (the
   * query tree, its SQL text and its preparation cost more than the inserts). PostgreSQL:
   * one `INSERT … SELECT FROM unnest($1, $2, …)` with one array parameter per column, so
   * a chunk costs one round trip and one small statement to plan, whatever its size.
   */
  readonly bulkWriter: BulkWriter;
  /**
   * Runs one read as a named prepared statement, outside any transaction, for the hottest
   * lookups. PostgreSQL: parses and plans `sql` once per connection and then only executes
   * it — planning is most of the cost of a one-row lookup by a unique index. SQLite: a
   * read-only connection of its own with statements prepared once (Kysely's driver prepares
   * every query anew, which was a fifth of a lookup). Absent for an in-memory database;
   * callers then use Kysely as usual. Never sees another caller's uncommitted writes.
   */
  /** Releases what the dialect holds beyond Kysely's connection (the SQLite reader). */
  readonly close?: () => Promise<void>;
  readonly preparedRead?: <R>(
    name: string,
    sql: string,
    parameters: readonly unknown[],
  ) => Promise<R[]>;
}

/** Inserts many rows of one table at once. */
export interface BulkWriter {
  /**
   * Inserts `rows` (all with the same keys) into `table` within the transaction `db`. With
   * `skipConflicts`, a row that breaks a unique index is skipped (`ON CONFLICT DO
   * NOTHING`). Returns, per row, whether it was inserted.
   */
  insert(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one writer serves every table
    db: Kysely<any>,
    table: string,
    rows: readonly Record<string, unknown>[],
    options?: { skipConflicts?: boolean; key?: string },
  ): Promise<boolean[]>;
}

/** Table and column names come from code, never from input; values are always bound. */
export function assertIdentifiers(names: readonly string[]): void {
  for (const name of names) {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
      throw new Error(`Refusing to build SQL with the identifier "${name}".`);
    }
  }
}
