import { PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DialectInfo } from './dialect.js';

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
  };
}
