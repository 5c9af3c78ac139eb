import { PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { assertIdentifiers, type BulkWriter, type DialectInfo } from './dialect.js';

/**
 * PostgreSQL through node-postgres. `schema` (tests) puts every table in its own schema
 * through the connection's search_path, so parallel test runs never see each other.
 */
export function postgresDialect(
  url: string,
  options: { schema?: string | undefined; poolSize?: number } = {},
): DialectInfo {
  const { schema, poolSize = 10 } = options;
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // Fail fast with a clear error when the server is unreachable, instead of hanging.
    connectionTimeoutMillis: 5_000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client that loses its connection emits 'error'; without a listener the process dies.
  pool.on('error', () => undefined);
  return {
    name: 'postgres',
    dialect: new PostgresDialect({ pool }),
    maxBindParams: 65_535,
    supportsSkipLocked: true,
    batchChunkRows: { store: 2000, process: 2000 },
    bulkWriter: unnestBulkWriter(),
    preparedRead: async <R>(name: string, text: string, values: readonly unknown[]) =>
      (await pool.query({ name, text, values: [...values] })).rows as R[],
  };
}

/** PostgreSQL's array type for each column type our tables use. */
const arrayTypes: Record<string, string> = { text: 'text[]', integer: 'int4[]', bigint: 'int8[]' };

/**
 * `INSERT … SELECT * FROM unnest(…)`: one array parameter per column. Column types are
 * read once per table from the catalogue, because an all-NULL array must still be cast to
 * the column's type.
 */
function unnestBulkWriter(): BulkWriter {
  const columnTypes = new Map<string, Map<string, string>>();
  return {
    insert: async (db, table, rows, options = {}) => {
      const first = rows[0];
      if (!first) {
        return [];
      }
      const columns = Object.keys(first);
      assertIdentifiers([table, ...columns, ...(options.key ? [options.key] : [])]);
      let types = columnTypes.get(table);
      if (!types) {
        const found = await sql<{ column_name: string; data_type: string }>`
          select column_name, data_type from information_schema.columns
           where table_schema = current_schema() and table_name = ${table}`.execute(db);
        types = new Map(found.rows.map((r) => [r.column_name, r.data_type]));
        columnTypes.set(table, types);
      }
      const arrays = columns.map((column) => {
        const type = arrayTypes[types.get(column) ?? ''];
        if (!type) {
          throw new Error(`No array type for ${table}.${column}.`);
        }
        return sql`${rows.map((row) => row[column] ?? null)}::${sql.raw(type)}`;
      });
      const conflict = options.skipConflicts ? sql` on conflict do nothing` : sql``;
      const key = options.key;
      const query = sql<
        Record<string, unknown>
      >`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))})
        select * from unnest(${sql.join(arrays)})${conflict}${key ? sql` returning ${sql.ref(key)}` : sql``}`;
      const result = await query.execute(db);
      if (!key) {
        return rows.map(() => true);
      }
      const inserted = new Set(result.rows.map((r) => r[key]));
      return rows.map((row) => inserted.has(row[key]));
    },
  };
}
