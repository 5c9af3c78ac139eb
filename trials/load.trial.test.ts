/**
 * The short version of the load trial (trials/load.ts), run in CI on every database the
 * suite runs on: 1 s of warm-up and 5 s of the mixed workload — first-boot lookups of
 * registered and unknown devices, batch submissions, status polls, Graph and Partner Center
 * listings — against `preflight serve` from the built dist/ (`npm test` builds it first),
 * over 2000 seeded devices. It asserts what must hold whatever the machine's speed: no
 * connection error or timeout, no status but the expected one, no wrong answer, every
 * accepted batch registered, a clean stop. It asserts no timing and no memory figure: those
 * are the long run's (`npm run trial:load`), read by a person (docs/reliability.md).
 */
import { describe, expect, it } from 'vitest';
import { testDialects } from '../test/kit/databases.js';
import { BATCH_SIZE, expectedStatus, kinds, runLoadTrial } from './load.js';

for (const backend of testDialects()) {
  describe(`load trial, short version [${backend}]`, () => {
    it('answers a mixed workload without an error, an unexpected status or a wrong answer', async () => {
      const report = await runLoadTrial({
        backend,
        devices: 2000,
        durationSeconds: 5,
        warmupSeconds: 1,
        sample: 500,
        unknown: 200,
        // Fewer lookup connections than the long run: other test files share the cores.
        mix: {
          lookup: { connections: 2 },
          lookupUnknown: { connections: 1 },
          submit: { connections: 1, rate: 4 },
          poll: { connections: 1, rate: 10 },
          graphList: { connections: 1, rate: 10 },
          batchList: { connections: 1, rate: 2 },
        },
        // Generous: a timeout here would be a stuck request, not a slow machine.
        timeoutSeconds: 30,
        gcCheckpoints: false,
        quietWaitSeconds: 0,
        drainSeconds: 120,
      });

      expect(report.problems).toEqual([]);
      expect(report.kinds.map((r) => r.kind)).toEqual([...kinds]);
      for (const r of report.kinds) {
        expect(r.responses, r.kind).toBeGreaterThan(0);
        expect(Object.keys(r.statuses), r.kind).toEqual([String(expectedStatus[r.kind])]);
        expect(r.errors + r.warmup.errors, r.kind).toBe(0);
        expect(r.wrong + r.warmup.wrong, r.kind).toBe(0);
      }
      expect(report.batches.notFinished).toEqual([]);
      expect(report.batches.failedDevices).toBe(0);
      expect(report.batches.registered).toBe(report.batches.accepted * BATCH_SIZE);
      expect(report.database.devices).toBe(2000 + report.database.freshDevices);
      expect(report.server.exitCode).toBe(0);
      expect(report.server.errors).toEqual([]);
    }, 240_000);
  });
}
