/**
 * `npm run bench:import [-- --rows N] [-- --pg postgres://…] [-- --repeat R]`: generates N
 * rows (default 100 000) of valid structured 4K hashes, imports them end to end into a
 * fresh SQLite database (and PostgreSQL when --pg is given, or PREFLIGHT_TEST_PG_URL is
 * set), and in the same run measures the floor: a bare papaparse parse of the same file
 * plus a bare insert of the same rows into a table with one unique digest index. Each phase
 * runs in its own process, so peak memory is per phase, R times (default 2; the fastest
 * counts). Then one more run of the floor and of the import with every SQLite statement
 * timed, for the least time the import's database work allows. Results go to
 * docs/benchmarks.md.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { buildHardwareHash } from '../src/domain/hardware-hash.js';
import { NODE_FLAGS } from '../src/main/node-flags.js';
import { writeSection } from './report.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const rows = Number(option('rows') ?? 100_000);
const pgUrl = option('pg') ?? process.env.PREFLIGHT_TEST_PG_URL;
const repeat = Number(option('repeat') ?? 2);

interface PhaseResult {
  phase: string;
  rows: number;
  ms: number;
  maxRssMb: number;
  /** With `PREFLIGHT_BENCH_SQL_TIME=1`: SQLite's own time in statements, and the costliest. */
  sql?: { ms: number; top: { sql: string; ms: number; calls: number }[] };
}

function generate(file: string): number {
  const out = fs.openSync(file, 'w');
  fs.writeSync(out, 'Device Serial Number,Windows Product ID,Hardware Hash\r\n');
  let lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const serialNumber = `BN${String(i).padStart(9, '0')}`;
    lines.push(
      `${serialNumber},,${buildHardwareHash({ serialNumber, manufacturer: 'Contoso Devices', model: 'Laptop 9' })}\r\n`,
    );
    if (lines.length === 1000) {
      fs.writeSync(out, lines.join(''));
      lines = [];
    }
  }
  fs.writeSync(out, lines.join(''));
  fs.closeSync(out);
  return fs.statSync(file).size;
}

function runPhase(
  phase: string,
  csv: string,
  target: string,
  env: Record<string, string> = {},
): PhaseResult {
  const output = execFileSync(
    process.execPath,
    // With the flags Preflight itself starts with (bin/preflight.js).
    [...NODE_FLAGS, path.join(here, 'import.phase.js'), phase, csv, target],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
      env: { ...process.env, ...env },
    },
  );
  return JSON.parse(output.trim().split('\n').pop()!) as PhaseResult;
}

/** Runs a SQLite phase on a fresh database file, removed afterwards (each is ~0.5 GB). */
function sqlitePhase(
  phase: string,
  csv: string,
  dir: string,
  env: Record<string, string> = {},
): PhaseResult {
  const file = path.join(dir, `${phase}.sqlite`);
  try {
    return runPhase(phase, csv, file, env);
  } finally {
    for (const suffix of ['', '-wal', '-shm']) {
      fs.rmSync(`${file}${suffix}`, { force: true });
    }
  }
}

async function withSchema<T>(work: (target: string) => T): Promise<T> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  try {
    return work(`${pgUrl}#${schema}`);
  } finally {
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}

function describeSql(sql: NonNullable<PhaseResult['sql']>): string {
  return sql.top
    .filter((t) => t.ms >= 50)
    .map((t) => `${t.sql.replaceAll('"', '')} ${(t.ms / 1000).toFixed(2)} s × ${t.calls}`)
    .join(' · ');
}

/** The best ratio to the floor an import could have if only its SQLite work took time. */
function floorBound(floor: PhaseResult, importSql: NonNullable<PhaseResult['sql']>): string {
  return `${Math.round((floor.ms / importSql.ms) * 100)} %`;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-bench-'));
  try {
    const csv = path.join(dir, 'devices.csv');
    const bytes = generate(csv);
    console.log(`generated ${rows} rows, ${(bytes / 1e6).toFixed(0)} MB`);
    // Each phase runs `repeat` times on a fresh database, alternating with the others so that
    // a slow spell of the machine does not fall on one phase only; the fastest run counts,
    // with the highest peak memory of all its runs.
    const phases: { phase: string; run: () => Promise<PhaseResult> }[] = [
      { phase: 'floor-sqlite', run: async () => sqlitePhase('floor-sqlite', csv, dir) },
      { phase: 'import-sqlite', run: async () => sqlitePhase('import-sqlite', csv, dir) },
      { phase: 'dryrun-sqlite', run: async () => sqlitePhase('dryrun-sqlite', csv, dir) },
      ...(pgUrl
        ? [
            {
              phase: 'floor-postgres',
              run: () => withSchema((t) => runPhase('floor-postgres', csv, t)),
            },
            {
              phase: 'import-postgres',
              run: () => withSchema((t) => runPhase('import-postgres', csv, t)),
            },
          ]
        : []),
    ];
    const runs = new Map<string, PhaseResult[]>();
    for (let round = 0; round < repeat; round++) {
      for (const { phase, run } of phases) {
        runs.set(phase, [...(runs.get(phase) ?? []), await run()]);
      }
    }
    const results: PhaseResult[] = phases.map(({ phase }) => {
      const all = runs.get(phase)!;
      const fastest = all.reduce((a, b) => (b.ms < a.ms ? b : a));
      return { ...fastest, maxRssMb: Math.max(...all.map((r) => r.maxRssMb)) };
    });
    // Once more, with SQLite's time in every statement taken (not among the measured runs).
    const timed = { PREFLIGHT_BENCH_SQL_TIME: '1' };
    const floorSql = sqlitePhase('floor-sqlite', csv, dir, timed).sql!;
    const importSql = sqlitePhase('import-sqlite', csv, dir, timed).sql!;
    const rate = (r: PhaseResult) => (r.rows / r.ms) * 1000;
    const find = (phase: string) => results.find((r) => r.phase === phase);
    const lines = [
      `Command: \`npm run bench:import -- --rows ${rows}${pgUrl ? ' --pg URL' : ''}\` · ${rows} rows of 4000-character hashes (${(bytes / 1e6).toFixed(0)} MB) · best of ${repeat} runs per phase · Node ${process.version}, ${os.cpus().length} cores · ${new Date().toISOString().slice(0, 10)}`,
      '',
      '| phase | rows | seconds | devices/s | peak RSS (MB) | ratio to floor |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
    ];
    for (const r of results) {
      const floor = find(`floor-${r.phase.split(' ')[0]!.split('-')[1]}`)!;
      lines.push(
        `| ${r.phase} | ${r.rows} | ${(r.ms / 1000).toFixed(2)} | ${Math.round(rate(r))} | ${Math.round(r.maxRssMb)} | ${(rate(r) / rate(floor)).toFixed(2)} |`,
      );
    }
    const sqlite = find('import-sqlite')!;
    const postgres = find('import-postgres');
    lines.push(
      '',
      `Every run, in order (seconds / peak RSS in MB): ${phases
        .map(
          ({ phase }) =>
            `${phase} ${runs
              .get(phase)!
              .map((r) => `${(r.ms / 1000).toFixed(2)} / ${Math.round(r.maxRssMb)}`)
              .join(', ')}`,
        )
        .join(' · ')}.`,
      '',
      'Floor: papaparse alone, then better-sqlite3 (or pg, 1000-row INSERTs) into a table with one unique digest index, in the same run. Import: `registerNow` end to end — decode and validate every row, store the batch (PostgreSQL: with COPY), register with conflict checks and profile assignment. Dry run: the same pipeline in a transaction that is rolled back, every verdict read back in pages of 5000 rows before the rollback (as `preflight import --dry-run` prints them).',
      '',
      `Time in SQLite statements (one more run of each phase with every better-sqlite3 statement timed, \`PREFLIGHT_BENCH_SQL_TIME=1\`: SQLite's work, including commits with their WAL writes and checkpoints, plus handing values in and out): the floor ${(floorSql.ms / 1000).toFixed(2)} s (${describeSql(floorSql)}); the import ${(importSql.ms / 1000).toFixed(2)} s (${describeSql(importSql)}). These are the writes the issue asks for — every row stored durably with its hash text before anything is registered, then each device with its identity keys and listing indexes, and a result for every row — on one SQLite connection, which writes one transaction at a time. An import takes at least that long even if all its other work were free or ran on the other core: at most ${floorBound(find('floor-sqlite')!, importSql)} of the floor (the best floor run's time against the import's statement time).`,
      '',
      `Goals (issue 5): ≥ 20 000 devices/s on SQLite — measured ${Math.round(rate(sqlite))}; ≥ 80 % of the floor — measured ${Math.round((rate(sqlite) / rate(find('floor-sqlite')!)) * 100)} % (its SQLite work alone allows at most ${floorBound(find('floor-sqlite')!, importSql)}); peak memory < 256 MB — measured ${Math.round(sqlite.maxRssMb)} MB${postgres ? `; PostgreSQL ≥ half of SQLite — measured ${Math.round((rate(postgres) / rate(sqlite)) * 100)} %` : ''}.`,
    );
    const file = writeSection(repoRoot, 'Import (registration engine)', lines.join('\n'));
    console.log(lines.join('\n'));
    console.log(`written to ${file}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
