/**
 * `npm run trial:race -- [--backend sqlite|postgres|both] [--devices N] [--rounds N]
 *   [--seed N] [--keep]`
 *
 * Two partners with consent from two different customers register the same devices at
 * the same moment: on PostgreSQL through two `preflight serve` processes sharing the
 * database, on SQLite through one (trials/race.ts). Defaults: both backends, 10 000
 * devices, 3 rounds (B's order: same as A's, reversed, shuffled). PostgreSQL:
 * PREFLIGHT_TRIAL_PG_URL (else PREFLIGHT_TEST_PG_URL, else postgres://postgres@127.0.0.1:5432/test).
 *
 * Prints a line per round and a summary; writes the full report to
 * .bench/trials/race-report.json. Exits 1 when any invariant broke.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { raceTotals, runRaceTrial, type RaceReport } from './race.js';
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
  const known = ['backend', 'devices', 'rounds', 'seed', 'keep'];
  for (const name of args.keys()) {
    if (!known.includes(name)) {
      throw new Error(`unknown option --${name}; known: ${known.map((k) => `--${k}`).join(' ')}`);
    }
  }
  assertBuilt();
  const backends = backendsOf(args.get('backend'));
  const seed = intOption(args, 'seed', Math.floor(Date.now() / 1000) % 1_000_000, 0, 2 ** 31);
  const common = {
    devices: intOption(args, 'devices', 10_000, 1, 10_000),
    rounds: intOption(args, 'rounds', 3, 1, 1000),
    seed,
    keepOnViolation: args.has('keep'),
  };
  console.log(
    `race trial: backends ${backends.join(', ')}; ${common.rounds} rounds of ${common.devices} devices; seed ${seed}${backends.includes('postgres') ? `; PostgreSQL ${trialPostgresUrl()}` : ''}`,
  );
  const reports: RaceReport[] = [];
  for (const backend of backends) {
    reports.push(await runRaceTrial({ ...common, backend, log: (line) => console.log(line) }));
  }

  const out = path.join(trialRepoRoot, '.bench', 'trials', 'race-report.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), reports }, null, 2)}\n`);

  let broken = 0;
  for (const report of reports) {
    const t = raceTotals(report);
    console.log(
      `\n[${report.backend}] ${t.rounds} rounds, ${report.servers} server process(es), ${Math.round(report.durationMs / 1000)} s`,
    );
    console.log(
      `  ${t.devices} devices raced: ${t.registered} registered, ${t.refused808} refused 808, ${t.other} other outcomes; batches resumed after a worker failure ${t.resumed}`,
    );
    console.log(
      `  both batches ended after: min ${t.endedMs.min} ms, median ${t.endedMs.median} ms, max ${t.endedMs.max} ms`,
    );
    console.log(
      `  integrity: ${report.integrityChecks.join('; ')}${report.integritySkipped.length ? `; skipped: ${report.integritySkipped.join('; ')}` : ''}`,
    );
    if (report.serverErrors.length > 0) {
      console.log(`  the servers logged ${report.serverErrors.length} error(s):`);
      for (const line of report.serverErrors.slice(0, 10)) {
        console.log(`    ${line}`);
      }
    }
    if (t.violations.length === 0) {
      console.log('  every invariant held in every round');
    } else {
      broken += t.violations.length;
      console.log(`  ${t.violations.length} VIOLATIONS:`);
      for (const v of t.violations) {
        console.log(
          `    ${v.round ? `round ${v.round}` : 'at the end'}: ${v.invariant}: ${v.detail}`,
        );
      }
      if (report.keptAt) {
        console.log(`    database kept at ${report.keptAt}`);
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
