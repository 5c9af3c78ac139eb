import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeclaredRoute } from '../../src/http/app.js';
import { openDatabase, type Database } from '../../src/store/database.js';
import { bearer } from '../kit/api.js';
import { scratchDatabase, testDialects, type ScratchDatabase } from '../kit/databases.js';
import { buildMatrixFixture, type CallerName, type MatrixFixture } from './auth-matrix.fixture.js';
import { probes, type Probe } from './auth-matrix.table.js';

const key = (route: { method: string; url: string }) => `${route.method} ${route.url}`;

/** The refusals every client route must give, derived from its declared access rule. */
function refusalsFor(route: DeclaredRoute): { caller: CallerName; why: string }[] {
  const access = route.access;
  if (access.kind !== 'client') {
    return [];
  }
  const cases: { caller: CallerName; why: string }[] = [];
  if (access.callers === 'registrar') {
    cases.push({ caller: 'customer', why: 'a customer on the partner API' });
  }
  if (access.customer === 'none') {
    cases.push({
      caller: 'partnerForCustomer',
      why: "a token for another tenant than the caller's own",
    });
    if (access.permission === 'write') {
      cases.push({ caller: 'partnerReader', why: 'a reader on a write route' });
    }
  } else if (access.customer === 'token') {
    cases.push(
      { caller: 'stranger', why: 'a partner without a relationship' },
      { caller: 'partner', why: "a partner's token for its own tenant" },
      { caller: 'revokedForCustomer', why: 'a partner whose relationship was revoked' },
    );
    if (access.permission === 'write') {
      cases.push({ caller: 'customerReader', why: 'a reader on a write route' });
    }
  } else {
    cases.push(
      { caller: 'stranger', why: 'a partner without a relationship' },
      { caller: 'revoked', why: 'a partner whose relationship was revoked' },
      { caller: 'otherCustomer', why: 'a token of another tenant' },
    );
    if (access.permission === 'write') {
      cases.push({ caller: 'partnerReader', why: 'a reader on a write route' });
    }
  }
  return cases;
}

function defaultAllowed(route: DeclaredRoute): CallerName {
  return route.access.kind === 'client' && route.access.customer === 'token'
    ? 'customer'
    : 'partner';
}

for (const dialect of testDialects()) {
  describe(`authorization matrix [${dialect}]`, () => {
    let scratch: ScratchDatabase;
    let database: Database;
    let f: MatrixFixture;
    beforeAll(async () => {
      scratch = await scratchDatabase(dialect);
      database = await openDatabase(scratch.config);
      await database.migrate();
      f = await buildMatrixFixture(database);
    }, 120_000);
    afterAll(async () => {
      await f?.app.close();
      await database?.close();
      await scratch?.dispose();
    });

    const send = (probe: Probe, method: string, headers: Record<string, string> = {}) => {
      const request = probe.request(f);
      return f.app.inject({
        method: method as 'GET',
        url: request.url,
        headers: { ...request.headers, ...headers },
        ...(request.payload !== undefined ? { payload: request.payload as object } : {}),
      });
    };

    it('has a probe for every declared route, and no probe without a route', () => {
      // Portal session routes have their own matrix (portal-matrix.db.test.ts).
      const declared = f.app.declaredRoutes.filter((r) => r.access.kind !== 'session').map(key);
      expect(declared.filter((k) => !(k in probes))).toEqual([]);
      expect(Object.keys(probes).filter((k) => !declared.includes(k))).toEqual([]);
    });

    it('refuses every client route to callers without a valid token, and to the wrong callers', async () => {
      const failures: string[] = [];
      for (const route of f.app.declaredRoutes) {
        const probe = probes[key(route)];
        if (!probe || route.access.kind !== 'client') {
          continue;
        }
        const expectStatus = async (
          label: string,
          headers: Record<string, string>,
          allowed: number[],
        ) => {
          const response = await send(probe, route.method, headers);
          if (!allowed.includes(response.statusCode)) {
            failures.push(
              `${key(route)} — ${label}: got ${response.statusCode} ${response.body.slice(0, 200)}`,
            );
          }
        };
        const allowedCaller = probe.allowed ?? defaultAllowed(route);
        const good = f.tokens[allowedCaller];
        await expectStatus('no token', {}, [401]);
        await expectStatus('a malformed header', { authorization: `Basic ${good}` }, [401]);
        const [head, body, signature] = good.split('.');
        const flipped = `${body!.slice(0, 10)}${body![10] === 'A' ? 'B' : 'A'}${body!.slice(11)}`;
        await expectStatus('a tampered token', bearer(`${head}.${flipped}.${signature}`), [401]);
        f.clock.advance(2 * 3600_000);
        await expectStatus('an expired token', bearer(good), [401]);
        f.clock.advance(-2 * 3600_000);
        for (const { caller, why } of refusalsFor(route)) {
          if (caller !== allowedCaller) {
            await expectStatus(why, bearer(f.tokens[caller]), [403, 404]);
          }
        }
      }
      expect(failures).toEqual([]);
    });

    it('serves every route to its right caller, public routes without a token', async () => {
      const failures: string[] = [];
      // Reads before writes, deletes last, so one route's probe does not remove another's subject.
      const order = (r: DeclaredRoute) => (r.method === 'DELETE' ? 2 : r.method === 'GET' ? 0 : 1);
      for (const route of [...f.app.declaredRoutes].sort((a, b) => order(a) - order(b))) {
        const probe = probes[key(route)];
        if (!probe) {
          continue;
        }
        const headers =
          route.access.kind === 'client'
            ? bearer(f.tokens[probe.allowed ?? defaultAllowed(route)])
            : {};
        const response = await send(probe, route.method, headers);
        if (response.statusCode !== probe.ok) {
          failures.push(`${key(route)}: got ${response.statusCode} ${response.body.slice(0, 300)}`);
        }
      }
      expect(failures).toEqual([]);
    });
  });
}
