import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteDialect } from 'kysely';
import { assertIdentifiers, type BulkWriter, type DialectInfo } from './dialect.js';

/**
 * SQLite through better-sqlite3: one file, write-ahead log, 8 KiB pages.
 * - page_size 8192: rows carrying 4 KB hashes fit in one page; with 4 KiB pages each row
 *   overflows and inserts measured ~4× slower (PRODUCT.md, quality bar).
 * - WAL: readers never block the writer, and a CLI can read while the server writes.
 * - synchronous NORMAL: durable across process crashes in WAL mode; only an OS crash or
 *   power loss may drop the last transactions.
 * - busy_timeout: a second process waits for the write lock instead of failing at once.
 * - foreign_keys ON: SQLite leaves them off by default.
 * - cache_size 64 MiB: a registry of a million devices is a file of a few GB; index pages
 *   read through the default 2 MB cache made each commit re-read them. Memory-mapped reads
 *   only on the read-only lookup connection (below).
 * - wal_autocheckpoint 8000 pages (64 MiB): a checkpoint every 1000 pages (the default)
 *   ran inside every few commits of a bulk registration.
 */
export function sqliteDialect(file: string): DialectInfo {
  if (file !== ':memory:') {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  }
  const database = new Database(file);
  // page_size only takes effect before the first table exists, so it must precede WAL.
  database.pragma('page_size = 8192');
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  for (const pragma of tuning) {
    database.pragma(pragma);
  }
  database.pragma('wal_autocheckpoint = 8000');
  const reader = file === ':memory:' ? undefined : preparedReader(file);
  return {
    name: 'sqlite',
    dialect: new SqliteDialect({ database }),
    maxBindParams: 32_766,
    supportsSkipLocked: false,
    batchChunkRows: { store: 250, process: 1000 },
    bulkWriter: preparedBulkWriter(database),
    ...(reader ? { preparedRead: reader.read, close: reader.close } : {}),
  };
}

const tuning = ['cache_size = -65536'];

/**
 * Hot reads on a read-only connection of their own, with statements prepared once by name.
 * A connection of its own, because Kysely's connection may be inside another caller's
 * transaction: a read there would see rows that are not yet (or never) committed. In WAL
 * mode a reader sees the last committed state and never waits for the writer.
 */
function preparedReader(file: string) {
  let connection: Database.Database | undefined;
  const statements = new Map<string, Database.Statement>();
  return {
    read: async <R>(name: string, sql: string, parameters: readonly unknown[]): Promise<R[]> => {
      if (!connection) {
        connection = new Database(file, { readonly: true, fileMustExist: true });
        for (const pragma of tuning) {
          connection.pragma(pragma);
        }
        // Lookups jump around a large file: reading mapped pages saves a system call and a
        // copy per page. Only here: the mapped pages it touches count as this process's
        // memory, and the writer (imports) should not grow by the whole file.
        connection.pragma('mmap_size = 1073741824');
      }
      let statement = statements.get(name);
      if (!statement) {
        statement = connection.prepare(sql);
        statements.set(name, statement);
      }
      return statement.all(...parameters) as R[];
    },
    close: async () => {
      connection?.close();
      connection = undefined;
      statements.clear();
    },
  };
}

/**
 * Row-by-row inserts with prepared statements cached per table and column list. They run
 * on the connection directly, so callers must hold it: inside a Kysely transaction, whose
 * connection lock keeps every other query out until it ends.
 */
function preparedBulkWriter(database: Database.Database): BulkWriter {
  const statements = new Map<string, Database.Statement>();
  return {
    insert: async (db, table, rows, options = {}) => {
      const first = rows[0];
      if (!first) {
        return [];
      }
      if (!db.isTransaction) {
        throw new Error('The SQLite bulk writer runs only inside a transaction.');
      }
      const columns = Object.keys(first);
      const key = `${table}|${columns.join(',')}|${options.skipConflicts ? 1 : 0}`;
      let statement = statements.get(key);
      if (!statement) {
        assertIdentifiers([table, ...columns]);
        statement = database.prepare(
          `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})${
            options.skipConflicts ? ' on conflict do nothing' : ''
          }`,
        );
        statements.set(key, statement);
      }
      const prepared = statement;
      return rows.map((row) => prepared.run(...columns.map((c) => row[c] ?? null)).changes === 1);
    },
  };
}
