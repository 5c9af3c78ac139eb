import { Kysely, Migrator, sql, type MigrationResultSet } from 'kysely';
import type { DatabaseConfig } from '../config/config.js';
import type { DialectInfo } from './dialects/dialect.js';
import { postgresDialect } from './dialects/postgres.js';
import { sqliteDialect } from './dialects/sqlite.js';
import { migrationProvider, migrations } from './migrations/index.js';
import type { Schema } from './schema.js';

/** The database could not be opened or reached; the message says which and why. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** An open database: the query builder plus the facts about its dialect. */
export interface Database {
  readonly db: Kysely<Schema>;
  readonly info: DialectInfo;
  /** Applies every pending migration; returns the names applied now. */
  migrate(): Promise<string[]>;
  /** Names of the migrations not yet applied. */
  pendingMigrations(): Promise<string[]>;
  /** Succeeds when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the configured database. Nothing is created or migrated until `migrate()`. */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  let info: DialectInfo;
  try {
    info =
      config.kind === 'sqlite'
        ? sqliteDialect(config.file)
        : postgresDialect(config.url, { schema: config.schema });
  } catch (error) {
    throw new StoreUnavailableError(`Cannot open the database: ${describe(error)}`, {
      cause: error,
    });
  }
  const db = new Kysely<Schema>({ dialect: info.dialect });
  // On PostgreSQL the migration tables are pinned to the connection's own schema: Kysely
  // otherwise looks for them in every schema, and another schema's tables (a parallel test
  // run, another application in the same database) would make it skip creating ours.
  let migratorPromise: Promise<Migrator> | undefined;
  const getMigrator = () =>
    (migratorPromise ??= (async () => {
      if (info.name !== 'postgres') {
        return new Migrator({ db, provider: migrationProvider });
      }
      const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
      return new Migrator({
        db,
        provider: migrationProvider,
        migrationTableSchema: rows[0]!.schema,
      });
    })().catch((error: unknown) => {
      migratorPromise = undefined; // the database may answer next time
      throw error;
    }));
  const database: Database = {
    db,
    info,
    migrate: async () => {
      const result: MigrationResultSet = await (await getMigrator()).migrateToLatest();
      if (result.error) {
        const failed =
          result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
        throw new StoreUnavailableError(`Migration ${failed} failed: ${describe(result.error)}`, {
          cause: result.error,
        });
      }
      return (result.results ?? [])
        .filter((r) => r.status === 'Success')
        .map((r) => r.migrationName);
    },
    pendingMigrations: async () => {
      const known = await (await getMigrator()).getMigrations();
      const applied = new Set(known.filter((m) => m.executedAt).map((m) => m.name));
      return Object.keys(migrations).filter((name) => !applied.has(name));
    },
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      await info.close?.();
      await db.destroy();
    },
  };
  try {
    await database.ping();
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new StoreUnavailableError(`Cannot reach the ${info.name} database: ${describe(error)}`, {
      cause: error,
    });
  }
  return database;
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return describe(error.errors[0]);
  }
  if (error instanceof Error) {
    return error.message || error.name;
  }
  return String(error);
}
