import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach, describe } from 'vitest';
import type { DatabaseConfig } from '../../src/config/config.js';
import { openDatabase, type Database } from '../../src/store/database.js';

export type DialectName = 'sqlite' | 'postgres';

/**
 * The databases the tests run on: SQLite always, PostgreSQL when PREFLIGHT_TEST_PG_URL is
 * set. DIALECTS=sqlite (or postgres) narrows the list locally.
 */
export function testDialects(): DialectName[] {
  const all: DialectName[] = process.env.PREFLIGHT_TEST_PG_URL
    ? ['sqlite', 'postgres']
    : ['sqlite'];
  const wanted = process.env.DIALECTS?.split(',').map((d) => d.trim());
  return wanted ? all.filter((d) => wanted.includes(d)) : all;
}

/** A fresh, empty database of one dialect, and how to get rid of it. */
export interface ScratchDatabase {
  readonly config: DatabaseConfig;
  dispose(): Promise<void>;
}

/** A new SQLite file in a temporary folder, or a new PostgreSQL schema with a random name. */
export async function scratchDatabase(dialect: DialectName): Promise<ScratchDatabase> {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-test-'));
    return {
      config: { kind: 'sqlite', file: path.join(dir, 'test.sqlite') },
      dispose: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const url = process.env.PREFLIGHT_TEST_PG_URL;
  if (!url) {
    throw new Error('PREFLIGHT_TEST_PG_URL is not set');
  }
  const schema = `preflight_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  return {
    config: { kind: 'postgres', url, schema },
    dispose: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

/**
 * Runs a suite once per dialect, each test on a fresh migrated database:
 * `forEachDialect('relationships', (db) => { it('…', async () => { db().db … }) })`.
 */
export function forEachDialect(
  name: string,
  suite: (
    database: () => Database,
    dialect: DialectName,
    /** Opens another connection (pool) to the same database, as a second process would. */
    connectAgain: () => Promise<Database>,
  ) => void,
): void {
  for (const dialect of testDialects()) {
    describe(`${name} [${dialect}]`, () => {
      let scratch: ScratchDatabase | undefined;
      let database: Database | undefined;
      const extra: Database[] = [];
      beforeEach(async () => {
        scratch = await scratchDatabase(dialect);
        database = await openDatabase(scratch.config);
        await database.migrate();
      });
      afterEach(async () => {
        for (const other of extra.splice(0)) {
          await other.close();
        }
        await database?.close();
        await scratch?.dispose();
        database = undefined;
        scratch = undefined;
      });
      suite(
        () => {
          if (!database) {
            throw new Error('database used outside a test');
          }
          return database;
        },
        dialect,
        async () => {
          if (!scratch) {
            throw new Error('database used outside a test');
          }
          const other = await openDatabase(scratch.config);
          extra.push(other);
          return other;
        },
      );
    });
  }
}

/** Every row of every table, to prove that a refused operation changed nothing. */
export async function snapshot(database: Database): Promise<Record<string, unknown[]>> {
  const tables = [
    'organisations',
    'users',
    'memberships',
    'api_clients',
    'relationships',
    'audit_events',
  ] as const;
  const result: Record<string, unknown[]> = {};
  for (const table of tables) {
    result[table] = await database.db
      .selectFrom(table)
      .selectAll()
      .orderBy(sqlFirstColumn(table))
      .execute();
  }
  return result;
}

function sqlFirstColumn(table: string): 'id' {
  // Every snapshotted table but two has an `id`; those two are ordered by their own key.
  return (
    table === 'memberships' ? 'user_id' : table === 'api_clients' ? 'client_id' : 'id'
  ) as 'id';
}
