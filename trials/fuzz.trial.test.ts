/**
 * The short version of `npm run trial:fuzz` for CI: every write route with a few dozen
 * generated bodies, and 800 CSV files, on SQLite (and on PostgreSQL, fewer, when
 * PREFLIGHT_TEST_PG_URL is set). A fixed seed, so a failure reproduces; FUZZ_SEED and
 * FUZZ_CASES (per route) change it.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildFuzzWorld,
  compress,
  fuzzCsv,
  fuzzRoute,
  judge,
  names,
  targets,
  writeRoutes,
  type Finding,
  type FuzzWorld,
  type Target,
} from './fuzz.js';
import { scratchDatabase, type DialectName, type ScratchDatabase } from './in-process.js';

const seed = Number(process.env.FUZZ_SEED ?? 20_260_115);
const perRoute = Number(process.env.FUZZ_CASES ?? 40);

const dialects: DialectName[] = process.env.PREFLIGHT_TEST_PG_URL
  ? ['sqlite', 'postgres']
  : ['sqlite'];

const show = (findings: readonly Finding[]) =>
  findings.map(
    (f) => `${f.route} — ${f.signature}: ${f.detail}\n  ${compress(f.request).slice(0, 800)}`,
  );

describe('what the fuzz trial counts as a fault', () => {
  const target: Target = {
    key: 'POST /x',
    method: 'POST',
    family: 'graph',
    callers: ['customer'],
    url: '/x',
    seeds: [{ groupTag: 'a' }],
  };
  const response = (statusCode: number, body: unknown) =>
    ({ statusCode, body: JSON.stringify(body) }) as LightMyRequestResponse;
  const graphError = (message: string, field?: string) => ({
    error: {
      code: 'BadRequest',
      message,
      innerError: { code: 'input.invalid', ...(field !== undefined ? { details: { field } } : {}) },
    },
  });
  const sent = { payload: '{}', contentType: 'application/json', value: { groupTag: 1 } };

  it('a 5xx, a body in another shape, a 400 naming no place', () => {
    expect(judge(target, sent, response(500, graphError('oops')), new Set())).toBeDefined();
    expect(
      judge(target, sent, response(400, { code: 'x', description: 'y', data: [] }), new Set()),
    ).toBeDefined();
    expect(
      judge(target, sent, response(400, graphError('Something is wrong.')), new Set()),
    ).toBeDefined();
    expect(
      judge(target, sent, response(400, graphError('Bad value.', 'displayName')), new Set()),
    ).toBeDefined();
  });

  it('but not a 400 whose message names the field, nor a placeless refusal', () => {
    expect(
      judge(
        target,
        sent,
        response(400, graphError('groupTag must be text.', 'groupTag')),
        new Set(),
      ),
    ).toBeUndefined();
    expect(
      judge(
        target,
        sent,
        response(400, graphError('The group tag is too long.', 'groupTag')),
        new Set(),
      ),
    ).toBeUndefined();
    expect(
      judge(target, sent, response(400, graphError('body/groupTag must be string')), new Set()),
    ).toBeUndefined();
    expect(judge(target, sent, response(404, graphError('No device.')), new Set())).toBeUndefined();
    expect(names("The parameter '' is not valid.", '')).toBe(true);
  });

  it('a portal upload names the place by its line; a locked address names none', () => {
    const upload: Target = {
      key: 'POST /portal/api/customers/:customerId/batches',
      method: 'POST',
      family: 'preflight',
      callers: ['portalPartnerAdmin'],
      url: '/portal/api/customers/c/batches',
      seeds: ['Device Serial Number\n'],
      csv: true,
    };
    const bytes = { payload: 'x', contentType: 'text/csv', value: undefined };
    const preflightError = (code: string, message: string) => ({ error: { code, message } });
    expect(
      judge(
        upload,
        bytes,
        response(400, preflightError('csv.file_rejected', 'devices.csv, line 2: no hash.')),
        new Set(),
      ),
    ).toBeUndefined();
    expect(
      judge(
        upload,
        bytes,
        response(400, preflightError('csv.file_rejected', 'The file is not a device file.')),
        new Set(),
      ),
    ).toBeDefined();
    const signIn: Target = {
      ...upload,
      key: 'POST /portal/api/sign-in',
      callers: ['none'],
      csv: false,
    };
    expect(
      judge(signIn, sent, response(423, preflightError('auth.locked', 'Locked.')), new Set()),
    ).toBeUndefined();
    expect(names('devices[3].hardwareHash: not base64', 'devices[3].hardwareHash')).toBe(true);
  });
});

for (const dialect of dialects) {
  describe(`fuzz trial, short [${dialect}]`, () => {
    let scratch: ScratchDatabase;
    let world: FuzzWorld;
    beforeAll(async () => {
      scratch = await scratchDatabase(dialect, process.env.PREFLIGHT_TEST_PG_URL);
      world = await buildFuzzWorld(scratch.database);
    }, 180_000);
    afterAll(async () => {
      await world?.app.close();
      await scratch?.dispose();
    });

    it('has a fuzz target for every write route of the app', () => {
      const known = targets(world);
      const missing = writeRoutes(world.app)
        .map((r) => `${r.method} ${r.url}`)
        .filter((key) => !known.has(key));
      expect(missing).toEqual([]);
    });

    it('never answers a generated body with a 5xx, and every 400 names the place', async () => {
      const cases = dialect === 'sqlite' ? perRoute : Math.max(5, Math.round(perRoute / 4));
      const known = targets(world);
      const findings: Finding[] = [];
      const faults: string[] = [];
      let sent = 0;
      for (const [i, route] of writeRoutes(world.app).entries()) {
        const target = known.get(`${route.method} ${route.url}`);
        if (!target) {
          continue;
        }
        const report = await fuzzRoute(world, target, cases, seed + i * 1_000_003);
        sent += report.cases;
        findings.push(...report.findings);
        faults.push(...report.workerFaults);
      }
      expect(show(findings)).toEqual([]);
      expect(faults).toEqual([]);
      expect(sent).toBeGreaterThan(0);
    }, 120_000);

    if (dialect === 'sqlite') {
      it('reads any CSV bytes without throwing, every issue on a real line', async () => {
        const report = await fuzzCsv(world, Number(process.env.FUZZ_CSV_CASES ?? 800), seed);
        expect(show(report.findings)).toEqual([]);
        expect(report.cases).toBeGreaterThanOrEqual(800);
      }, 120_000);
    }
  });
}
