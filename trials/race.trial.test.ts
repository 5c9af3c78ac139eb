/**
 * The short race trial CI runs (`npm run trial:race` is the long one): two partners with
 * consent from two customers register the same 2000 devices at the same moment — on
 * PostgreSQL through two server processes, on SQLite through one — in three rounds (the
 * second partner's order the same, reversed, shuffled). Every device must end with one
 * owner, the other side's row saying 808, and the counts must add up; and no worker may
 * fail on the way (a failure fails the test at once instead of waiting for its batch's
 * 30 s lease). At this size the two workers' chunks overlap only now and then; the long
 * run (10 000 devices, five chunks a side) makes them contend in most shuffled rounds.
 */
import { describe, expect, it } from 'vitest';
import { testDialects } from '../test/kit/databases.js';
import { raceTotals, runRaceTrial } from './race.js';

describe('race trial, short', () => {
  for (const dialect of testDialects()) {
    it(`[${dialect}] the same devices registered by two partners at once end with one owner each`, async () => {
      const seed = Math.floor(Math.random() * 1_000_000);
      const report = await runRaceTrial({
        backend: dialect,
        devices: 2000,
        rounds: 3,
        seed,
        failFast: true,
      });
      const totals = raceTotals(report);
      expect(
        totals.violations.map((v) => `seed ${seed} round ${v.round}: ${v.invariant}: ${v.detail}`),
      ).toEqual([]);
      expect(totals).toMatchObject({
        rounds: 3,
        devices: 6000,
        registered: 6000,
        refused808: 6000,
        other: 0,
      });
    }, 180_000);
  }
});
