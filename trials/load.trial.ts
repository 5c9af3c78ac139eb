/**
 * `npm run trial:load [-- --duration S] [--devices N] [--backend sqlite|postgres]
 * [--warmup S] [--pg-url URL] [--lookup-connections C] [--submit-rate R] [--no-gc]
 * [--timeout S] [--quiet-wait S] [--write-docs] [--keep]`
 *
 * The load trial of issue 8 (see trials/load.ts for what it does): a mixed workload of
 * first-boot lookups, Partner Center batch submissions and status polls, and listings,
 * against `preflight serve` in its own process, for a warm-up plus S measured seconds
 * (default 60), with the server's memory sampled every second. Defaults: SQLite, 100 000
 * seeded devices, 5 s warm-up. Bounded: seeding, the load, a drain of at most 300 s and
 * the checks; it stops by itself. Before the load it waits up to `--quiet-wait` seconds
 * (default 30) for the rest of the machine to be quiet, and reports what other processes
 * used during the run.
 *
 * Prints the figures as Markdown and writes them with the raw samples to
 * .bench/trials/load.last.{md,json}. With `--write-docs`, the Markdown also replaces the
 * block between `<!-- load-trial:BACKEND:begin -->` and `<!-- load-trial:BACKEND:end -->` in
 * docs/reliability.md (or docs/reliability.d/load.md when the first has no such block).
 * Exits 1 when anything did not hold (errors, unexpected statuses or answers, batches not
 * registered, an unclean stop, a growing JS heap).
 */
import fs from 'node:fs';
import path from 'node:path';
import { defaultMix, repoRoot, reportMarkdown, runLoadTrial, type Backend } from './load.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const flag = (name: string) => args.includes(`--${name}`);
const number = (name: string, fallback: number, min: number, max: number) => {
  const raw = option(name);
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    console.error(`--${name} must be a number from ${min} to ${max} (got ${raw})`);
    process.exit(2);
  }
  return value;
};

const backend = (option('backend') ?? 'sqlite') as Backend;
if (backend !== 'sqlite' && backend !== 'postgres') {
  console.error(`--backend is sqlite or postgres (got ${backend})`);
  process.exit(2);
}
// Tokens live an hour: the whole run stays well inside one.
const duration = number('duration', 60, 1, 1800);
const warmup = number('warmup', 5, 0, 120);
const devices = number('devices', 100_000, 1000, 5_000_000);
const lookupConnections = number('lookup-connections', defaultMix.lookup.connections, 1, 256);
// Whole requests per second: autocannon's pacing counts requests within each second.
const submitRate = Math.round(number('submit-rate', defaultMix.submit.rate ?? 4, 1, 100));
const timeout = number('timeout', 10, 1, 120);
const quietWait = number('quiet-wait', 30, 0, 3600);

const log = (line: string) => console.log(`[trial:load] ${line}`);
const root = repoRoot();
const command = `npm run trial:load${args.filter((a) => a !== '--write-docs').length ? ` -- ${args.filter((a) => a !== '--write-docs').join(' ')}` : ''}`;

const report = await runLoadTrial({
  backend,
  ...(option('pg-url') ? { pgUrl: option('pg-url')! } : {}),
  devices,
  durationSeconds: duration,
  warmupSeconds: warmup,
  mix: {
    lookup: { connections: lookupConnections },
    submit: { connections: 1, rate: submitRate },
  },
  timeoutSeconds: timeout,
  quietWaitSeconds: quietWait,
  gcCheckpoints: !flag('no-gc'),
  keep: flag('keep'),
  log,
});

const markdown = reportMarkdown(report, command);
const outDir = path.join(root, '.bench', 'trials');
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'load.last.md'), `${markdown}\n`);
fs.writeFileSync(path.join(outDir, 'load.last.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(markdown);
log(`figures written to .bench/trials/load.last.md and .json`);

if (flag('write-docs')) {
  const begin = `<!-- load-trial:${backend}:begin -->`;
  const end = `<!-- load-trial:${backend}:end -->`;
  const candidates = ['docs/reliability.md', 'docs/reliability.d/load.md'].map((p) =>
    path.join(root, p),
  );
  const target = candidates.find((file) => {
    try {
      const text = fs.readFileSync(file, 'utf8');
      return text.includes(begin) && text.includes(end);
    } catch {
      return false;
    }
  });
  if (target) {
    const text = fs.readFileSync(target, 'utf8');
    const from = text.indexOf(begin) + begin.length;
    const to = text.indexOf(end);
    fs.writeFileSync(target, `${text.slice(0, from)}\n${markdown}\n${text.slice(to)}`);
    log(`figures written to ${path.relative(root, target)}`);
  } else {
    log(
      `no ${begin} … ${end} block in ${candidates.map((c) => path.relative(root, c)).join(' or ')}; docs not written`,
    );
  }
}

if (report.problems.length) {
  log(`FAILED: ${report.problems.length} problems`);
  for (const problem of report.problems) {
    log(`- ${problem}`);
  }
  process.exitCode = 1;
} else if (!report.memory.heapFlat) {
  log('FAILED: the JS heap grew over the run');
  process.exitCode = 1;
} else {
  log('passed');
}
