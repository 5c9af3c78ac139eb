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
}
