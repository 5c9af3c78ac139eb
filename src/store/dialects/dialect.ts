import type { Dialect } from 'kysely';

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
   * Row-at-a-time inserts through cached prepared statements, for bulk writes inside a
   * transaction. SQLite: yes — its driver is in-process and synchronous, so a prepared
   * statement per row beats building one huge multi-row statement (the query tree, its
   * SQL text and its preparation cost more than the inserts). PostgreSQL: no — every
   * statement is a network round trip, so multi-row statements win there.
   */
  readonly rowWriter?: RowWriter;
}

/** Inserts rows one by one with a prepared statement cached per table and column list. */
export interface RowWriter {
  /**
   * Inserts `rows` (all with the same keys) into `table`. With `skipConflicts`, a row that
   * breaks a unique index is skipped (`ON CONFLICT DO NOTHING`). Returns, per row, whether
   * it was inserted. Only call it inside a transaction: it bypasses the query builder's
   * connection lock.
   */
  insert(
    table: string,
    rows: readonly Record<string, unknown>[],
    options?: { skipConflicts?: boolean },
  ): boolean[];
}
