/**
 * `npm run trial:isolation -- [--pg URL] [--out FILE]`
 *
 * The scripted isolation tour (trials/isolation.ts) in this process over a scratch SQLite
 * file, and a scratch PostgreSQL schema with `--pg` (or PREFLIGHT_TEST_PG_URL). Prints the
 * attempts by category and every breach; exits 1 when any attempt got through.
 */
import fs from 'node:fs';
import { runIsolationTour, summarise, type TourReport } from './isolation.js';
import { machine, readOptions, scratchDatabase, type DialectName } from './in-process.js';

const options = readOptions(process.argv.slice(2));
const pgUrl = options.get('pg') ?? process.env.PREFLIGHT_TEST_PG_URL;
const out = options.get('out');
const dialects: DialectName[] = pgUrl ? ['sqlite', 'postgres'] : ['sqlite'];

const started = new Date();
const reports: { dialect: DialectName; report: TourReport }[] = [];
for (const dialect of dialects) {
  const scratch = await scratchDatabase(dialect, pgUrl);
  try {
    reports.push({ dialect, report: await runIsolationTour(scratch.database) });
  } finally {
    await scratch.dispose();
  }
}

console.log(`# Isolation trial · ${started.toISOString().slice(0, 10)} · ${machine()}`);
let breaches = 0;
for (const { dialect, report } of reports) {
  const held = report.attempts.filter((a) => !a.breach).length;
  console.log(
    `\n## ${dialect}: ${report.attempts.length} attempts, ${held} held, ${report.attempts.length - held} broke through · ${report.integrity.length} integrity checks · ${report.secrets} values of P1 searched for in every body · ${(report.ms / 1000).toFixed(1)} s\n`,
  );
  console.log('| category | attempts | held | statuses |');
  console.log('| --- | ---: | ---: | --- |');
  for (const [category, c] of summarise(report)) {
    const statuses = Object.entries(c.statuses)
      .map(([s, n]) => `${s} × ${n}`)
      .join(', ');
    console.log(`| ${category} | ${c.attempts} | ${c.held} | ${statuses} |`);
  }
  for (const a of report.attempts.filter((x) => x.breach)) {
    breaches++;
    console.log(
      `- BREACH [${a.category}] ${a.label}: ${a.method} ${a.url} → ${a.status}: ${a.breach}`,
    );
  }
  for (const i of report.integrity) {
    if (i.breach) {
      breaches++;
    }
    console.log(`- integrity: ${i.label}: ${i.breach ? `BROKEN — ${i.breach}` : 'held'}`);
  }
}
if (out) {
  fs.writeFileSync(
    out,
    `${JSON.stringify({ started: started.toISOString(), machine: machine(), reports }, null, 2)}\n`,
  );
}
process.exit(breaches > 0 ? 1 : 0);
