/**
 * The short crash trial CI runs (`npm run trial:crash` is the long one): on each test
 * database, two trials of three batches of 200–600 devices, the server killed 1–2 times per
 * trial at random moments; every invariant of trials/crash.ts must hold. The killed
 * worker's lease is aged rather than waited out (the long run waits for real), so each
 * dialect takes well under half a minute on an idle machine; the timeout only guards
 * against a hang, with room for a machine busy with other work.
 */
import { describe, expect, it } from 'vitest';
import { testDialects } from '../test/kit/databases.js';
import { runCrashTrials } from './crash.js';

describe('crash trial, short', () => {
  for (const dialect of testDialects()) {
    it(`[${dialect}] every acknowledged batch ends with one outcome per row through SIGKILLs`, async () => {
      const seed = Math.floor(Math.random() * 1_000_000);
      const report = await runCrashTrials({
        backend: dialect,
        trials: 2,
        batches: 3,
        devices: 400,
        maxKills: 2,
        waitEvery: 0,
        calibrationRuns: 1,
        seed,
      });
      const { summary } = report;
      // The seed replays the plan and the kill moments: npm run trial:crash -- --seed S --only N
      expect(
        summary.violations.map((v) => `seed ${seed} trial ${v.trial}: ${v.invariant}: ${v.detail}`),
      ).toEqual([]);
      expect(summary.trials).toBe(2);
      expect(summary.kills).toBeGreaterThanOrEqual(2);
      expect(summary.submissions).toBe(2 * 3);
    }, 180_000);
  }
});
