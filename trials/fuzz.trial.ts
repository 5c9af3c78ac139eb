/**
 * `npm run trial:fuzz -- [--cases N] [--seed S] [--csv-share F] [--pg URL] [--out FILE]`
 *
 * Fuzzes the JSON bodies of every write route of the app (from its own route table) and
 * the CSV reader, in this process over a scratch SQLite file (and a scratch PostgreSQL
 * schema with `--pg`). N cases in all (default 100 000): a share F (default 0.2) for CSV
 * files, the rest split evenly over the write routes. Prints the figures and every
 * finding with its shrunk counterexample; exits 1 when anything broke.
 */
import fs from 'node:fs';
import {
  buildFuzzWorld,
  fuzzCsv,
  fuzzRoute,
  seedIssueCodes,
  targets,
  writeRoutes,
  type CsvFuzzReport,
  type Finding,
  type RouteReport,
} from './fuzz.js';
import { machine, readOptions, scratchDatabase, type DialectName } from './in-process.js';

const options = readOptions(process.argv.slice(2));
const cases = Number(options.get('cases') ?? 100_000);
const seed = Number(options.get('seed') ?? Date.now() % 2_147_483_647);
const csvShare = Number(options.get('csv-share') ?? 0.2);
const pgUrl = options.get('pg') ?? process.env.PREFLIGHT_TEST_PG_URL;
const out = options.get('out');
if (
  !Number.isInteger(cases) ||
  cases < 1 ||
  !Number.isInteger(seed) ||
  !(csvShare >= 0 && csvShare <= 1)
) {
  console.error(
    'usage: npm run trial:fuzz -- [--cases N] [--seed S] [--csv-share 0..1] [--pg URL] [--out FILE]',
  );
  process.exit(2);
}

/** Faults nobody awaited (a promise rejected in the background) count as crashes. */
const stray: string[] = [];
process.on('unhandledRejection', (reason) =>
  stray.push(`unhandledRejection: ${String((reason as Error)?.stack ?? reason)}`),
);
process.on('uncaughtException', (error) =>
  stray.push(`uncaughtException: ${String(error?.stack ?? error)}`),
);

interface DialectRun {
  dialect: DialectName;
  routes: RouteReport[];
  uncovered: string[];
  csv: CsvFuzzReport | undefined;
  ms: number;
}

async function runOn(dialect: DialectName, budget: number, withCsv: boolean): Promise<DialectRun> {
  const started = performance.now();
  const scratch = await scratchDatabase(dialect, pgUrl);
  try {
    const world = await buildFuzzWorld(scratch.database);
    const known = targets(world);
    const routes = writeRoutes(world.app);
    const covered = routes.filter((r) => known.has(`${r.method} ${r.url}`));
    const uncovered = routes
      .filter((r) => !known.has(`${r.method} ${r.url}`))
      .map((r) => `${r.method} ${r.url}`);
    const csvCases = withCsv ? Math.round(budget * csvShare) : 0;
    const perRoute = Math.max(1, Math.floor((budget - csvCases) / Math.max(covered.length, 1)));
    const reports: RouteReport[] = [];
    for (const [i, route] of covered.entries()) {
      const target = known.get(`${route.method} ${route.url}`)!;
      const report = await fuzzRoute(world, target, perRoute, seed + i * 1_000_003);
      reports.push(report);
      const statuses = Object.entries(report.statuses)
        .map(([s, n]) => `${s}×${n}`)
        .join(' ');
      console.log(
        `[${dialect}] ${report.key}: ${report.cases} cases in ${(report.ms / 1000).toFixed(1)} s · ${statuses}${report.findings.length > 0 ? ` · ${report.findings.length} FINDING(S)` : ''}${report.workerFaults.length > 0 ? ' · WORKER FAULT' : ''}`,
      );
    }
    const csv = withCsv && csvCases > 0 ? await fuzzCsv(world, csvCases, seed) : undefined;
    if (csv) {
      console.log(
        `[${dialect}] csv: ${csv.cases} files in ${(csv.ms / 1000).toFixed(1)} s (${csv.serviceCases} also through the registration service), ${csv.seeds.length} seed files${csv.findings.length > 0 ? ` · ${csv.findings.length} FINDING(S)` : ''}`,
      );
    }
    await world.app.close();
    return { dialect, routes: reports, uncovered, csv, ms: performance.now() - started };
  } finally {
    await scratch.dispose();
  }
}

const started = new Date();
const runs: DialectRun[] = [];
runs.push(await runOn('sqlite', cases, true));
if (options.has('pg')) {
  // PostgreSQL gets the routes again with a tenth of the budget (the CSV reader has no database).
  runs.push(await runOn('postgres', Math.max(1, Math.round(cases / 10)), false));
}

const findings: Finding[] = runs.flatMap((r) => [
  ...r.routes.flatMap((x) => x.findings.map((f) => ({ ...f, route: `[${r.dialect}] ${f.route}` }))),
  ...(r.csv?.findings ?? []),
]);
const workerFaults = runs.flatMap((r) =>
  r.routes.flatMap((x) => x.workerFaults.map((w) => `[${r.dialect}] ${x.key}: ${w}`)),
);
const requests = runs.reduce((n, r) => n + r.routes.reduce((m, x) => m + x.cases, 0), 0);
const csvFiles = runs.reduce((n, r) => n + (r.csv?.cases ?? 0), 0);
const statuses: Record<string, number> = {};
for (const r of runs) {
  for (const x of r.routes) {
    for (const [s, n] of Object.entries(x.statuses)) {
      statuses[s] = (statuses[s] ?? 0) + n;
    }
  }
}
const seconds = (Date.now() - started.getTime()) / 1000;
const routesFuzzed = runs[0]?.routes.length ?? 0;
const uncovered = runs[0]?.uncovered ?? [];

console.log('');
console.log(`# Fuzz trial · seed ${seed} · ${started.toISOString().slice(0, 10)} · ${machine()}`);
console.log(
  `Inputs tried: ${requests + csvFiles} (${requests} requests over ${routesFuzzed} write routes, ${csvFiles} CSV files) in ${seconds.toFixed(0)} s.`,
);
console.log(
  `Statuses: ${Object.entries(statuses)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([s, n]) => `${s} × ${n}`)
    .join(', ')}.`,
);
if (uncovered.length > 0) {
  console.log(`Write routes with no fuzz target (NOT covered): ${uncovered.join(', ')}`);
}
if (runs[0]?.csv) {
  const codes = await seedIssueCodes();
  console.log(
    `CSV seed files: ${runs[0].csv.seeds.length}; issue codes the undamaged seeds raise: ${Object.keys(codes).length}.`,
  );
}
console.log(
  `Findings: ${findings.length}; worker faults: ${workerFaults.length}; stray rejections: ${stray.length}.`,
);
for (const f of findings) {
  console.log(
    `\n- ${f.route} — ${f.signature} (×${f.occurrences}, fast-check seed ${f.seed}, path ${f.path ?? '-'})`,
  );
  console.log(`  ${f.detail}`);
  console.log(`  minimal request: ${f.request}`);
}
for (const w of [...workerFaults, ...stray]) {
  console.log(`\n- ${w}`);
}
if (out) {
  fs.writeFileSync(
    out,
    `${JSON.stringify({ seed, cases, started: started.toISOString(), seconds, machine: machine(), runs, findings, workerFaults, stray }, null, 2)}\n`,
  );
}
const failed =
  findings.length > 0 || workerFaults.length > 0 || stray.length > 0 || uncovered.length > 0;
process.exit(failed ? 1 : 0);
