import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { fixedClock } from '../../src/platform/clock.js';
import { processBatch } from '../../src/services/registration/process-batch.js';
import { openDatabase, type Database } from '../../src/store/database.js';
import { createStore } from '../../src/store/store.js';
import { consentThroughCli, preflightBin, repoRoot } from '../kit/cli.js';
import { intuneCsv, syntheticDevice } from '../kit/devices.js';

/** Counts that must agree however the process died. */
async function invariants(database: Database, batchId: string) {
  const db = database.db;
  const rows = await db
    .selectFrom('batch_rows')
    .select(({ fn }) => fn.countAll<number>().as('n'))
    .where('batch_id', '=', batchId)
    .executeTakeFirstOrThrow();
  const results = await db
    .selectFrom('batch_results')
    .select(['row_index', 'status', 'device_id'])
    .where('batch_id', '=', batchId)
    .execute();
  const devices = await db
    .selectFrom('devices')
    .select(['id', 'batch_row_index'])
    .where('batch_id', '=', batchId)
    .execute();
  const registered = results.filter((r) => r.status === 'registered');
  return {
    rows: Number(rows.n),
    results: results.length,
    distinctResults: new Set(results.map((r) => r.row_index)).size,
    registered: registered.length,
    devices: devices.length,
    // Every device is backed by a "registered" result naming it, and the other way round.
    devicesMatchResults:
      devices.length === registered.length &&
      devices.every((d) =>
        registered.some(
          (r) => r.device_id === d.id && Number(r.row_index) === Number(d.batch_row_index),
        ),
      ),
  };
}

describe('a worker killed in the middle of a batch', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves every row done or untouched, and the batch resumes to exactly one outcome per row', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-crash-'));
    dirs.push(dir);
    const env = { PREFLIGHT_DATA_DIR: dir };
    consentThroughCli(env);

    const total = 12_000;
    const file = path.join(dir, 'devices.csv');
    fs.writeFileSync(file, intuneCsv(Array.from({ length: total }, (_, i) => syntheticDevice(i))));

    const database = await openDatabase({
      kind: 'sqlite',
      file: path.join(dir, 'preflight.sqlite'),
    });
    try {
      const child = spawn(
        process.execPath,
        [preflightBin, 'import', file, '--as', 'Fabrikam', '--customer', 'Contoso'],
        {
          cwd: repoRoot,
          env: { PATH: process.env.PATH, ...env },
          stdio: 'ignore',
        },
      );
      const exited = new Promise((resolve) => child.on('exit', resolve));
      // Kill it once some, but not all, rows have an outcome.
      let batchId: string | undefined;
      for (let i = 0; i < 600 && child.exitCode === null; i++) {
        const done = await database.db
          .selectFrom('batch_results')
          .select(['batch_id', ({ fn }) => fn.countAll<number>().as('n')])
          .groupBy('batch_id')
          .executeTakeFirst();
        if (done && Number(done.n) > 0) {
          batchId = done.batch_id;
          child.kill('SIGKILL');
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await exited;
      expect(batchId, 'the import got far enough to be interrupted').toBeDefined();

      const afterKill = await invariants(database, batchId!);
      expect(afterKill.rows).toBe(total);
      expect(afterKill.results).toBeGreaterThan(0);
      expect(afterKill.results).toBeLessThan(total);
      expect(afterKill.distinctResults).toBe(afterKill.results);
      expect(afterKill.devicesMatchResults).toBe(true);

      // Another worker takes the batch over once the dead one's lease has run out.
      const clock = fixedClock(new Date(Date.now() + 10 * 60_000));
      const deps = {
        store: createStore(database),
        clock,
        settings: { publicUrl: 'http://x', invitationTtlDays: 14 },
      };
      const resumed = await processBatch(deps, deps.store.transaction, {
        id: 'rescuer',
        leaseMs: 30_000,
      });
      expect(resumed).toMatchObject({ id: batchId, status: 'finished' });

      const final = await invariants(database, batchId!);
      expect(final).toMatchObject({
        rows: total,
        results: total,
        distinctResults: total,
        registered: total,
        devices: total,
      });
      expect(final.devicesMatchResults).toBe(true);
      const integrity = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(
        database.db,
      );
      expect(integrity.rows.map((r) => r.integrity_check)).toEqual(['ok']);
    } finally {
      await database.close();
    }
  }, 120_000);
});
