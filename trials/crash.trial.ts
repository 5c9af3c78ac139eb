/**
 * `npm run trial:crash -- [--backend sqlite|postgres|both] [--trials N] [--devices N]
 *   [--batches N] [--max-kills N] [--wait-every N] [--seed N] [--only N] [--keep]`
 *
 * Kills `preflight serve` with SIGKILL at random moments while batches arrive and are
 * processed, restarts it, lets it recover, and checks the invariants (trials/crash.ts).
 * Defaults: both backends, 50 trials each, 4 batches of ~3000 devices (1500–4500), 1–2
 * kills per trial, every 5th kill that strikes during processing waits the 30 s lease out
 * for real. PostgreSQL: PREFLIGHT_TRIAL_PG_URL (else PREFLIGHT_TEST_PG_URL, else
 * postgres://postgres@127.0.0.1:5432/test).
 *
 * Prints a line per trial and a summary; writes the full report to
 * .bench/trials/crash-report.json. Exits 1 when any invariant broke.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { runCrashTrials, type CrashReport } from './crash.js';
import {
  assertBuilt,
  backendsOf,
  intOption,
  trialArgs,
  trialPostgresUrl,
  trialRepoRoot,
} from './kit.js';

async function main(): Promise<number> {
  const args = trialArgs(process.argv.slice(2));
  const known = [
    'backend',
    'trials',
    'devices',
    'batches',
    'max-kills',
    'wait-every',
    'seed',
    'only',
    'keep',
  ];
  for (const name of args.keys()) {
    if (!known.includes(name)) {
      throw new Error(`unknown option --${name}; known: ${known.map((k) => `--${k}`).join(' ')}`);
    }
  }
  assertBuilt();
  const backends = backendsOf(args.get('backend'));
  const seed = intOption(args, 'seed', Math.floor(Date.now() / 1000) % 1_000_000, 0, 2 ** 31);
  const common = {
    trials: intOption(args, 'trials', 50, 1, 10_000),
    devices: intOption(args, 'devices', 3000, 10, 6_000),
    batches: intOption(args, 'batches', 4, 1, 50),
    maxKills: intOption(args, 'max-kills', 2, 1, 4),
    waitEvery: intOption(args, 'wait-every', 5, 0, 10_000),
    seed,
    keepOnViolation: args.has('keep'),
    ...(args.has('only') ? { only: intOption(args, 'only', 1, 1, 10_000) } : {}),
  };
  console.log(
    `crash trial: backends ${backends.join(', ')}; ${common.trials} trials of ${common.batches} batches of ~${common.devices} devices; 1–${common.maxKills} SIGKILL per trial; ${common.waitEvery ? `every ${common.waitEvery}th kill during processing waits the lease out` : 'leases always aged'}; seed ${seed}${backends.includes('postgres') ? `; PostgreSQL ${trialPostgresUrl()}` : ''}`,
  );
  const reports: CrashReport[] = [];
  for (const backend of backends) {
    reports.push(await runCrashTrials({ ...common, backend, log: (line) => console.log(line) }));
  }

  const out = path.join(trialRepoRoot, '.bench', 'trials', 'crash-report.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), reports }, null, 2)}\n`);

  let broken = 0;
  for (const report of reports) {
    const s = report.summary;
    console.log(
      `\n[${report.backend}] ${s.trials} trials in ${Math.round(report.durationMs / 1000)} s`,
    );
    console.log(
      `  faults: ${s.kills} SIGKILLs (${s.aimedAtProcessing} aimed at a batch being processed, the others at random moments) — found a batch not yet stored (request arriving) ${s.killsWhile.notStored}, receiving ${s.killsWhile.receiving}, queued ${s.killsWhile.queued}, processing ${s.killsWhile.processing} (of which with some chunks committed ${s.killsWhile.partlyDone}); every batch already ended ${s.killsWhile.allEnded}`,
    );
    console.log(
      `  inputs: ${s.submissions} batches, ${s.rows} rows; lease waited out for real in ${s.leaseWaitedTrials} trials, aged in the others`,
    );
    console.log(
      `  retries: ${s.retries.sent} resent with the same MS-RequestId — ${s.retries.sameBatch} answered with the batch the crash had hidden, ${s.retries.newBatch} new (${s.retries.replacedReceiving} of them replacing the receiving batch a kill had left), ${s.retries.refusedReceiving} refused 409 (a violation) and resent under a new id`,
    );
    console.log(
      `  outcomes: ${JSON.stringify(s.outcomes)}; most claims of one batch: ${s.maxAttempts}`,
    );
    console.log(
      `  recovery (last restart → all ended): min ${s.recoveryMs.min} ms, median ${s.recoveryMs.median} ms, max ${s.recoveryMs.max} ms; worker errors logged ${s.workerErrors}`,
    );
    if (s.violations.length === 0) {
      console.log('  every invariant held in every trial');
    } else {
      broken += s.violations.length;
      console.log(`  ${s.violations.length} VIOLATIONS:`);
      for (const v of s.violations) {
        console.log(`    trial ${v.trial}: ${v.invariant}: ${v.detail}`);
      }
      for (const t of report.trials.filter((r) => r.keptAt)) {
        console.log(`    trial ${t.trial} (seed ${t.seed}) kept at ${t.keptAt}`);
      }
    }
  }
  console.log(`\nreport: ${path.relative(process.cwd(), out)}`);
  return broken === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exitCode = 2;
  },
);
