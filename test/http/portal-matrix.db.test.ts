import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PortalAccess } from '../../src/http/access/route-access.js';
import type { DeclaredRoute } from '../../src/http/app.js';
import { newId, newToken, tokenDigest } from '../../src/platform/secrets.js';
import { openDatabase, type Database } from '../../src/store/database.js';
import { scratchDatabase, testDialects, type ScratchDatabase } from '../kit/databases.js';
import { sessionOf, signInAs, type PortalSession } from '../kit/portal.js';
import {
  buildPortalMatrixFixture,
  type PortalCaller,
  type PortalFixture,
} from './portal-matrix.fixture.js';
import { portalProbes, type PortalProbe } from './portal-matrix.table.js';

// Each route is called a dozen times over; with every portal route that takes a while.
vi.setConfig({ testTimeout: 180_000 });

const key = (route: { method: string; url: string }) => `${route.method} ${route.url}`;

/** What each persona of `portalWorld` acts as. */
const personas: Record<
  PortalCaller,
  { kind: 'partner' | 'oem' | 'customer' | null; role: string | null }
> = {
  partnerAdmin: { kind: 'partner', role: 'admin' },
  partnerAgent: { kind: 'partner', role: 'agent' },
  partnerReader: { kind: 'partner', role: 'reader' },
  oemAdmin: { kind: 'oem', role: 'admin' },
  customerAdmin: { kind: 'customer', role: 'admin' },
  customerReader: { kind: 'customer', role: 'reader' },
  otherCustomerAdmin: { kind: 'customer', role: 'admin' },
  strangerPartnerAdmin: { kind: 'partner', role: 'admin' },
  operator: { kind: null, role: null },
};

/** The callers a route's `who` and `roles` shut out, and those its probe adds. */
function refusedCallers(access: PortalAccess, probe: PortalProbe): PortalCaller[] {
  const refused = (Object.keys(personas) as PortalCaller[]).filter((caller) => {
    const { kind, role } = personas[caller];
    const kindFits =
      access.who === 'anyone' ||
      (access.who === 'operator' && caller === 'operator') ||
      (access.who === 'member' && kind !== null) ||
      (access.who === 'registrar' && (kind === 'partner' || kind === 'oem')) ||
      (access.who === 'customer' && kind === 'customer');
    const roleFits =
      access.who === 'operator' ||
      access.who === 'anyone' ||
      !access.roles ||
      (role !== null && (access.roles as readonly string[]).includes(role));
    return !kindFits || !roleFits;
  });
  return [...new Set([...refused, ...(probe.denied ?? [])])].filter((c) => c !== probe.allowed);
}

const sessionRoutes = (routes: readonly DeclaredRoute[]) =>
  routes.filter((r): r is DeclaredRoute & { access: PortalAccess } => r.access.kind === 'session');

for (const dialect of testDialects()) {
  describe(`portal authorization matrix [${dialect}]`, () => {
    let scratch: ScratchDatabase;
    let database: Database;
    let f: PortalFixture;
    const probes = portalProbes();
    beforeAll(async () => {
      scratch = await scratchDatabase(dialect);
      database = await openDatabase(scratch.config);
      await database.migrate();
      f = await buildPortalMatrixFixture(database);
    }, 300_000);
    afterAll(async () => {
      await f?.app.close();
      await database?.close();
      await scratch?.dispose();
    });

    const send = (
      route: DeclaredRoute,
      probe: PortalProbe,
      session: PortalSession | null,
      withCsrf = true,
    ) => {
      const request = probe.request(f);
      const write = route.method !== 'GET';
      return f.app.inject({
        method: route.method as 'GET',
        url: request.url,
        headers: { ...request.headers, ...(session?.headers(write && withCsrf) ?? {}) },
        ...(request.payload !== undefined ? { payload: request.payload as object } : {}),
      });
    };

    /** A session of `caller` that ended an hour ago (past its absolute end). */
    const expiredSession = async (caller: PortalCaller): Promise<PortalSession> => {
      const token = newToken();
      const now = f.clock.now().getTime();
      const at = (offsetHours: number) => new Date(now + offsetHours * 3600_000).toISOString();
      await f.deps.store.repos.sessions.insert({
        id: newId(),
        token_digest: tokenDigest(token),
        user_id: f.world.users[caller].id,
        org_id: null,
        csrf_token: 'expired-csrf',
        created_at: at(-13),
        last_seen_at: at(-1.1),
        expires_at: at(-1),
      });
      return sessionOf(`preflight_session=${token}`, 'expired-csrf');
    };

    it('has a probe for every session route, and no probe without a route', () => {
      const declared = sessionRoutes(f.app.declaredRoutes).map(key);
      expect(declared.filter((k) => !(k in probes))).toEqual([]);
      expect(Object.keys(probes).filter((k) => !declared.includes(k))).toEqual([]);
    });

    it('refuses every session route without a live session, without CSRF on changes, and to the wrong callers', async () => {
      const failures: string[] = [];
      for (const route of sessionRoutes(f.app.declaredRoutes)) {
        const probe = probes[key(route)];
        if (!probe) {
          continue;
        }
        const expectStatus = async (
          label: string,
          session: PortalSession | null,
          allowed: number[],
          withCsrf = true,
        ) => {
          const response = await send(route, probe, session, withCsrf);
          if (!allowed.includes(response.statusCode)) {
            failures.push(
              `${key(route)} — ${label}: got ${response.statusCode} ${response.body.slice(0, 200)}`,
            );
          }
        };
        await expectStatus('no cookie', null, [401]);
        await expectStatus(
          'a forged cookie',
          sessionOf(`preflight_session=${newToken()}`, f.sessions[probe.allowed].csrf),
          [401],
        );
        await expectStatus('an expired session', await expiredSession(probe.allowed), [401]);
        if (route.method !== 'GET') {
          await expectStatus(
            'a change without the CSRF token',
            f.sessions[probe.allowed],
            [403],
            false,
          );
          const someoneElse = probe.allowed === 'operator' ? 'customerAdmin' : 'operator';
          await expectStatus(
            "another session's CSRF token",
            sessionOf(f.sessions[probe.allowed].cookie, f.sessions[someoneElse].csrf),
            [403],
          );
        }
        for (const caller of refusedCallers(route.access, probe)) {
          await expectStatus(caller, f.sessions[caller], [403, 404]);
        }
      }
      expect(failures).toEqual([]);
    });

    it('serves every session route to its allowed caller', async () => {
      const failures: string[] = [];
      // Reads before writes, deletes last, so one route's probe does not remove another's subject.
      const order = (r: DeclaredRoute) => (r.method === 'DELETE' ? 2 : r.method === 'GET' ? 0 : 1);
      for (const route of sessionRoutes(f.app.declaredRoutes).sort((a, b) => order(a) - order(b))) {
        const probe = probes[key(route)];
        if (!probe) {
          continue;
        }
        const session = probe.fresh
          ? await signInAs(f.app, f.world, probe.allowed)
          : f.sessions[probe.allowed];
        const response = await send(route, probe, session);
        if (response.statusCode !== probe.ok) {
          failures.push(`${key(route)}: got ${response.statusCode} ${response.body.slice(0, 300)}`);
        }
      }
      expect(failures).toEqual([]);
    });
  });
}
