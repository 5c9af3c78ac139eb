import { finished } from 'node:stream/promises';
import { CompiledQuery, PostgresDialect, sql, type Kysely } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
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
  pool.on('connect', acceptCopyRequests);
  return {
    name: 'postgres',
    dialect: new PostgresDialect({ pool }),
    maxBindParams: 65_535,
    supportsSkipLocked: true,
    batchChunkRows: { store: 500, process: 2000 },
    bulkWriter: postgresBulkWriter(),
    preparedRead: async <R>(name: string, text: string, values: readonly unknown[]) =>
      (await pool.query({ name, text, values: [...values] })).rows as R[],
  };
}

/**
 * The statement text by which the bulk writer asks a connection for `COPY … FROM STDIN`.
 * Kysely runs a transaction's statements on its connection but offers no way to stream
 * data into it, so the request travels as an ordinary statement whose parameters are the
 * COPY statement and its data, and the connection (`acceptCopyRequests`) runs it as a COPY.
 * It never reaches the server as it is; if it did, the server would refuse it (a comment
 * has no placeholders for the two parameters).
 */
const COPY_REQUEST = '-- preflight: copy from stdin';

/** Makes a pooled connection run `COPY_REQUEST`s as COPY streams; everything else as before. */
function acceptCopyRequests(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const [text, values] = args;
    if (text === COPY_REQUEST && Array.isArray(values)) {
      return copyIn(client, values[0] as string, values[1] as string[]);
    }
    return query(...args);
  };
}

async function copyIn(
  client: pg.PoolClient,
  statement: string,
  pieces: readonly string[],
): Promise<Pick<pg.QueryResult, 'command' | 'rowCount' | 'rows'>> {
  const stream = client.query(copyFrom(statement));
  for (const piece of pieces) {
    stream.write(piece);
  }
  stream.end();
  await finished(stream);
  return { command: 'COPY', rowCount: stream.rowCount, rows: [] };
}

/** Special characters of COPY's text format, as it escapes them. */
const copyEscapes: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One value in COPY's text format: `\N` for NULL, text with its special characters escaped. */
function copyValue(value: unknown, table: string, column: string): string {
  if (value === null || value === undefined) {
    return '\\N';
  }
  if (typeof value === 'string') {
    return /[\\\n\r\t]/.test(value) ? value.replace(/[\\\n\r\t]/g, (c) => copyEscapes[c]!) : value;
  }
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint') {
    return String(value);
  }
  throw new Error(`Cannot copy a ${typeof value} into ${table}.${column}.`);
}

/**
 * Plain inserts (no conflicts to skip, no keys to return) as one `COPY … FROM STDIN`: for
 * rows carrying 4 KB hashes it takes the server half the time of `unnest`, which parses
 * every array literal and copies the statement's data several times over.
 */
async function copyRows(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one writer serves every table
  db: Kysely<any>,
  table: string,
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  // In pieces of about COPY_PIECE_CHARS: one string of a whole chunk's 4 KB hashes (8 MB)
  // lands in V8's large-object space, and building those took more time, counting the
  // collections they caused, than the server took to store the rows.
  const pieces: string[] = [];
  let piece = '';
  for (const row of rows) {
    for (let i = 0; i < columns.length; i += 1) {
      piece += copyValue(row[columns[i]!], table, columns[i]!);
      piece += i === columns.length - 1 ? '\n' : '\t';
    }
    if (piece.length >= COPY_PIECE_CHARS) {
      pieces.push(piece);
      piece = '';
    }
  }
  if (piece !== '') {
    pieces.push(piece);
  }
  const statement = `copy ${table} (${columns.join(', ')}) from stdin`;
  await db.executeQuery(CompiledQuery.raw(COPY_REQUEST, [statement, pieces]));
}

/**
 * Tries rows that may conflict with existing ones as a plain COPY first, inside a
 * savepoint: most rows of a registration are new devices, and COPY skips what `ON
 * CONFLICT` costs for every row (a speculative insertion into each unique index) along
 * with the parsing of one array per column. On a unique violation nothing of the COPY
 * remains and the caller takes the row-by-row path. False when that is needed.
 */
async function copiedWithoutConflict(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one writer serves every table
  db: Kysely<any>,
  table: string,
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
): Promise<boolean> {
  await sql`savepoint preflight_copy`.execute(db);
  try {
    await copyRows(db, table, columns, rows);
  } catch (error) {
    // Any other failure aborts the transaction, as the INSERT's would.
    if ((error as { code?: unknown }).code !== '23505') {
      throw error;
    }
    await sql`rollback to savepoint preflight_copy`.execute(db);
    await sql`release savepoint preflight_copy`.execute(db);
    return false;
  }
  await sql`release savepoint preflight_copy`.execute(db);
  return true;
}

/** Characters of COPY data per write. */
const COPY_PIECE_CHARS = 60_000;

/** PostgreSQL's array type for each column type our tables use. */
const arrayTypes: Record<string, string> = { text: 'text[]', integer: 'int4[]', bigint: 'int8[]' };

/**
 * COPY for plain inserts, and first for inserts that skip conflicts (inside a transaction);
 * otherwise `INSERT … SELECT * FROM unnest(…) ON CONFLICT DO NOTHING`, one array parameter
 * per column. Column types are read once per table from the catalogue, because an
 * all-NULL array must still be cast to the column's type. Callers run one insert at a time
 * on a transaction (the savepoint has one name).
 */
function postgresBulkWriter(): BulkWriter {
  const columnTypes = new Map<string, Map<string, string>>();
  return {
    insert: async (db, table, rows, options = {}) => {
      const first = rows[0];
      if (!first) {
        return [];
      }
      const columns = Object.keys(first);
      assertIdentifiers([table, ...columns, ...(options.key ? [options.key] : [])]);
      if (!options.skipConflicts && !options.key) {
        await copyRows(db, table, columns, rows);
        return rows.map(() => true);
      }
      if (
        options.skipConflicts &&
        db.isTransaction &&
        (await copiedWithoutConflict(db, table, columns, rows))
      ) {
        return rows.map(() => true);
      }
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
