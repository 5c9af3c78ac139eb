/**
 * The isolation tour of `npm run trial:isolation`, as a CI test: it is scripted, not
 * random, and takes a few seconds, so CI runs all of it — on SQLite, and on PostgreSQL
 * when PREFLIGHT_TEST_PG_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIsolationTour, summarise, type TourReport } from './isolation.js';
import { scratchDatabase, type DialectName, type ScratchDatabase } from './in-process.js';

const dialects: DialectName[] = process.env.PREFLIGHT_TEST_PG_URL
  ? ['sqlite', 'postgres']
  : ['sqlite'];

for (const dialect of dialects) {
  describe(`isolation tour [${dialect}]`, () => {
    let scratch: ScratchDatabase;
    let report: TourReport;
    beforeAll(async () => {
      scratch = await scratchDatabase(dialect, process.env.PREFLIGHT_TEST_PG_URL);
      report = await runIsolationTour(scratch.database);
    }, 120_000);
    afterAll(async () => {
      await scratch?.dispose();
    });

    it("refuses every attempt on another partner's batches and another customer's devices, or answers without their data", () => {
      const breaches = report.attempts
        .filter((a) => a.breach)
        .map((a) => `[${a.category}] ${a.label}: ${a.method} ${a.url} → ${a.status}: ${a.breach}`);
      expect(breaches).toEqual([]);
    });

    it('tries every category of attack, hundreds of attempts in all', () => {
      const categories = [...summarise(report).keys()];
      for (const wanted of [
        'Partner Center, P2 on C1',
        'Partner Center, P3 on C1',
        'continuation tokens',
        'Graph, P3',
        'Graph, C2',
        '$filter injection',
        "tokens for C1's tenant",
        'tampered tokens',
        'P1 after C1 revoked it',
      ]) {
        expect(
          categories.some((c) => c.startsWith(wanted)),
          wanted,
        ).toBe(true);
      }
      expect(report.attempts.length).toBeGreaterThan(300);
    });

    it("leaves P1's data intact, and serves P1 itself what the others were refused", () => {
      expect(
        report.integrity.filter((i) => i.breach).map((i) => `${i.label}: ${i.breach}`),
      ).toEqual([]);
      expect(
        report.integrity.filter((i) => i.label.startsWith('control:')).length,
      ).toBeGreaterThanOrEqual(5);
    });
  });
}
