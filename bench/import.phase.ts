/**
 * One measured phase of `npm run bench:import`, run in its own process so that its peak
 * memory is its own: `node import.phase.js <phase> <csv> <target>` prints one JSON line.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import Papa from 'papaparse';
import pg from 'pg';
import { loadConfig } from '../src/config/config.js';
import { operator } from '../src/domain/actor.js';
import { openServices } from '../src/main/server.js';
import { acceptInvitation, inviteCustomer } from '../src/services/relationships.js';
import { createOrganisation } from '../src/services/organisations.js';
import { createUser, actorForUser } from '../src/services/users.js';
import { csvRows } from '../src/services/registration/csv-rows.js';
import { dryRunBatchWith, registerNow } from '../src/services/registration/register.js';

const [phase, csvFile, target] = process.argv.slice(2) as [string, string, string];

/**
 * With `PREFLIGHT_BENCH_SQL_TIME=1`, every statement better-sqlite3 runs in this process is
 * timed (SQLite's own work: executing, and committing with its WAL writes and checkpoints),
 * by SQL text. Off in the measured runs: the timing itself costs a little.
 */
const sqlTimes = process.env.PREFLIGHT_BENCH_SQL_TIME === '1' ? timeStatements() : undefined;

function timeStatements(): Map<string, { ns: number; calls: number }> {
  const times = new Map<string, { ns: number; calls: number }>();
  const probe = new Database(':memory:');
  const statement = Object.getPrototypeOf(probe.prepare('select 1')) as Record<
    string,
    (...args: unknown[]) => unknown
  >;
  probe.close();
  for (const method of ['run', 'all', 'get']) {
    const original = statement[method]!;
    statement[method] = function (this: { source: string }, ...args: unknown[]) {
      const started = process.hrtime.bigint();
      try {
        return original.apply(this, args);
      } finally {
        const key = this.source
          .replace(/\s+/g, ' ')
          .replace(/\(.*$/, '')
          .trim()
          .toLowerCase()
          .slice(0, 80);
        const entry = times.get(key) ?? { ns: 0, calls: 0 };
        entry.ns += Number(process.hrtime.bigint() - started);
        entry.calls += 1;
        times.set(key, entry);
      }
    };
  }
  return times;
}

function sqlReport():
  { ms: number; top: { sql: string; ms: number; calls: number }[] } | undefined {
  if (!sqlTimes) {
    return undefined;
  }
  const all = [...sqlTimes].map(([sql, t]) => ({ sql, ms: t.ns / 1e6, calls: t.calls }));
  return {
    ms: all.reduce((sum, t) => sum + t.ms, 0),
    top: all.sort((a, b) => b.ms - a.ms).slice(0, 8),
  };
}

/** Streams the CSV's data rows through papaparse alone (the parse half of the floor), pausing for async work. */
async function parseRows(onRow: (cells: string[]) => void | Promise<void>): Promise<void> {
  let header = true;
  await new Promise<void>((resolve, reject) => {
    Papa.parse(fs.createReadStream(csvFile), {
      step: (result: { data: string[] }, parser: { pause(): void; resume(): void }) => {
        if (header) {
          header = false;
          return;
        }
        const done = onRow(result.data);
        if (done) {
          parser.pause();
          done.then(() => parser.resume(), reject);
        }
      },
      complete: () => resolve(),
      error: reject,
    });
  });
}

async function floorSqlite(): Promise<number> {
  const db = new Database(target);
  db.pragma('page_size = 8192');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('create table devices (serial text, hash text, digest text not null unique)');
  const insert = db.prepare('insert into devices (serial, hash, digest) values (?, ?, ?)');
  const flush = db.transaction((chunk: string[][]) => {
    for (const r of chunk) {
      insert.run(r[0], r[2], crypto.createHash('sha256').update(r[2]!).digest('hex'));
    }
  });
  let rows: string[][] = [];
  let count = 0;
  await parseRows((row) => {
    if (row.length < 3) {
      return;
    }
    rows.push(row);
    count += 1;
    if (rows.length >= 1000) {
      flush(rows);
      rows = [];
    }
  });
  flush(rows);
  db.close();
  return count;
}

async function floorPostgres(): Promise<number> {
  const [url, schema] = target.split('#') as [string, string];
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  await client.query('create table devices (serial text, hash text, digest text not null unique)');
  let batch: string[][] = [];
  let count = 0;
  const flush = async () => {
    if (batch.length === 0) {
      return;
    }
    const values: string[] = [];
    const params: string[] = [];
    batch.forEach((r, i) => {
      values.push(`($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3})`);
      params.push(r[0]!, r[2]!, crypto.createHash('sha256').update(r[2]!).digest('hex'));
    });
    await client.query(
      `insert into devices (serial, hash, digest) values ${values.join(',')}`,
      params,
    );
    batch = [];
  };
  await client.query('begin');
  await parseRows(async (row) => {
    if (row.length < 3) {
      return;
    }
    batch.push(row);
    count += 1;
    if (batch.length >= 1000) {
      await flush();
    }
  });
  await flush();
  await client.query('commit');
  await client.end();
  return count;
}

async function importWithPreflight(env: Record<string, string>, dryRun = false): Promise<number> {
  const services = await openServices(loadConfig(env, process.cwd()));
  const deps = services.deps;
  try {
    await createOrganisation(deps, operator, { kind: 'partner', displayName: 'Bench Partner' });
    const customer = await createOrganisation(deps, operator, {
      kind: 'customer',
      displayName: 'Bench Customer',
    });
    await createUser(deps, operator, {
      org: customer.id,
      email: 'admin@bench.example',
      role: 'admin',
    });
    const { token } = await inviteCustomer(deps, operator, {
      from: 'Bench Partner',
      to: customer.id,
    });
    await acceptInvitation(
      deps,
      await actorForUser(deps, 'admin@bench.example', [customer.id]),
      token,
    );
    const intake = csvRows(fs.createReadStream(csvFile), {
      batchGroupTag: 'Microsoft365Managed_Autopilot',
    });
    const target = { customer: customer.id, registrar: 'Bench Partner' };
    const submission = {
      source: 'cli' as const,
      groupTag: 'Microsoft365Managed_Autopilot',
      rows: intake.rows,
    };
    const { batch } = dryRun
      ? // As `preflight import --dry-run` reads the verdicts: a page at a time, before the
        // rollback. Every row must have one.
        await dryRunBatchWith(deps, operator, target, submission, async (batch, rows) => {
          let read = 0;
          for (;;) {
            const page = await rows({ offset: read, limit: 5000 });
            if (page.length === 0) {
              break;
            }
            read += page.length;
          }
          if (read !== batch.totalRows) {
            throw new Error(`the dry run gave ${read} verdicts for ${batch.totalRows} rows`);
          }
          return { batch };
        })
      : await registerNow(deps, operator, target, submission);
    if (batch.registeredRows !== batch.totalRows) {
      throw new Error(`only ${batch.registeredRows} of ${batch.totalRows} rows registered`);
    }
    return batch.registeredRows;
  } finally {
    await services.database.close();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  let rows: number;
  switch (phase) {
    case 'floor-sqlite':
      rows = await floorSqlite();
      break;
    case 'floor-postgres':
      rows = await floorPostgres();
      break;
    case 'import-sqlite':
      rows = await importWithPreflight({ DATABASE_URL: `sqlite:${target}`, LOG_LEVEL: 'silent' });
      break;
    case 'dryrun-sqlite':
      rows = await importWithPreflight(
        { DATABASE_URL: `sqlite:${target}`, LOG_LEVEL: 'silent' },
        true,
      );
      break;
    case 'import-postgres': {
      const [url, schema] = target.split('#') as [string, string];
      const withSchema = new URL(url);
      withSchema.searchParams.set('options', `-c search_path=${schema}`);
      rows = await importWithPreflight({
        DATABASE_URL: withSchema.toString(),
        LOG_LEVEL: 'silent',
      });
      break;
    }
    default:
      throw new Error(`unknown phase ${phase}`);
  }
  const ms = performance.now() - started;
  process.stdout.write(
    `${JSON.stringify({ phase, rows, ms, maxRssMb: process.resourceUsage().maxRSS / 1024, sql: sqlReport() })}\n`,
  );
}

await main();
