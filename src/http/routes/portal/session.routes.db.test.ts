import { describe, expect, it, vi } from 'vitest';
import { operator } from '../../../domain/actor.js';
import { createOperatorUser, issueSetupLink } from '../../../services/setup.js';
import { KeyRing } from '../../../auth/key-ring.js';
import { createLogger } from '../../../platform/logger.js';
import { buildDeps } from '../../../../test/kit/services.js';
import { buildApp } from '../../app.js';
import { buildTestApi } from '../../../../test/kit/api.js';
import { forEachDialect } from '../../../../test/kit/databases.js';
import {
  buildPortalApi,
  clearMustChange,
  sessionOf,
  signIn,
  signInAs,
} from '../../../../test/kit/portal.js';
import { createOrganisation } from '../../../services/organisations.js';
import { createUser } from '../../../services/users.js';
import type { Database } from '../../../store/database.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const minute = 60_000;

// Every sign-in costs a deliberately slow hash; on a busy machine a test with dozens of
// them needs more than the default time.
vi.setConfig({ testTimeout: 120_000 });

/** A customer with an admin and a reader who can sign in: less to build than portalWorld. */
async function smallWorld(database: Database) {
  const api = await buildTestApi(database, { limits: { signInsPerMinute: 1_000_000 } });
  const customer = await createOrganisation(api.deps, operator, {
    kind: 'customer',
    displayName: 'Contoso',
    domain: 'contoso.example',
  });
  const person = async (email: string, role: string) => {
    const { user, oneTimePassword } = await createUser(api.deps, operator, {
      org: customer.id,
      email,
      role,
    });
    await clearMustChange(api.deps, user.id);
    return { id: user.id, email: user.email, password: oneTimePassword };
  };
  const users = {
    customerAdmin: await person('admin@contoso.example', 'admin'),
    customerReader: await person('reader@contoso.example', 'reader'),
  };
  return { ...api, world: { customer, users } };
}

forEachDialect('portal sign-in', (database) => {
  const attempt = async (
    app: Awaited<ReturnType<typeof buildPortalApi>>['app'],
    email: string,
    password: string,
    headers: Record<string, string> = {},
  ) =>
    app.inject({
      method: 'POST',
      url: '/portal/api/sign-in',
      payload: { email, password },
      headers,
    });

  describe('POST /sign-in', () => {
    it('signs in with the right password: a Strict, HttpOnly, Secure session cookie and the session', async () => {
      const { app, world } = await buildPortalApi(database());
      const user = world.users.partnerAdmin;
      const response = await attempt(app, 'Admin@Fabrikam.example ', user.password);
      expect(response.statusCode, response.body).toBe(200);
      const cookie = response.cookies.find((c) => c.name === 'preflight_session')!;
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/', secure: true });
      expect(cookie.value.length).toBeGreaterThanOrEqual(43);
      const body = response.json<Json>();
      expect(body).toMatchObject({
        user: { id: user.id, email: user.email, mustChangePassword: false },
        operator: false,
        organisation: {
          id: world.partner.id,
          kind: 'partner',
          role: 'admin',
          displayName: 'Fabrikam Resellers',
        },
        memberships: [{ id: world.partner.id, role: 'admin' }],
      });
      expect(body.csrfToken).toEqual(expect.any(String));

      const session = await app.inject({
        method: 'GET',
        url: '/portal/api/session',
        headers: { cookie: `preflight_session=${cookie.value}` },
      });
      expect(session.statusCode).toBe(200);
      expect(session.json<Json>().user.email).toBe(user.email);
      // Only a digest of the token is stored.
      const rows = await database().db.selectFrom('sessions').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(cookie.value);
    });

    it('gives the same answer for an unknown address as for a wrong password', async () => {
      const { app, world } = await buildPortalApi(database());
      const wrong = await attempt(app, world.users.partnerAdmin.email, 'not the password at all');
      const unknown = await attempt(app, 'nobody@fabrikam.example', 'not the password at all');
      expect(wrong.statusCode).toBe(401);
      expect(unknown.statusCode).toBe(401);
      const strip = (body: Json) => ({ ...body.error, requestId: undefined });
      expect(strip(unknown.json())).toEqual(strip(wrong.json()));
      expect(wrong.json<Json>().error.code).toBe('auth.bad_credentials');
      expect(wrong.cookies).toEqual([]);
    });

    it('locks an address for 15 minutes after 5 failures in 15 minutes, known or not', async () => {
      const { app, world, clock } = await smallWorld(database());
      const user = world.users.customerAdmin;
      for (const address of [user.email, 'ghost@contoso.example']) {
        for (let i = 1; i <= 4; i += 1) {
          expect((await attempt(app, address, `wrong password ${i}`)).statusCode).toBe(401);
          clock.advance(minute);
        }
        const fifth = await attempt(app, address, 'wrong password 5');
        expect(fifth.statusCode).toBe(423);
        expect(fifth.json<Json>().error).toMatchObject({
          code: 'auth.locked',
          details: { minutesLeft: 15 },
        });
      }
      // Even the right password waits for the lock to end (the user's began 4 minutes ago).
      clock.advance(6 * minute);
      const locked = await attempt(app, user.email, user.password);
      expect(locked.statusCode).toBe(423);
      expect(locked.json<Json>().error.details.minutesLeft).toBe(5);
      expect(locked.json<Json>().error.message).toContain('5 more minutes');
      clock.advance(5 * minute);
      expect((await attempt(app, user.email, user.password)).statusCode).toBe(200);
      // Other addresses were never affected.
      const other = world.users.customerReader;
      expect((await attempt(app, other.email, other.password)).statusCode).toBe(200);
      // The customer's audit log tells that its admin's address was locked.
      const audit = await database()
        .db.selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'user.locked')
        .execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        acting_org_id: world.customer.id,
        subject_id: user.id,
        actor: `user:${user.email}`,
      });
    });

    it('counts failures within a 15-minute window, and a success clears them', async () => {
      const { app, world, clock } = await smallWorld(database());
      const user = world.users.customerReader;
      for (let i = 0; i < 4; i += 1) {
        await attempt(app, user.email, 'wrong password!');
      }
      expect((await attempt(app, user.email, user.password)).statusCode).toBe(200);
      for (let i = 0; i < 4; i += 1) {
        expect((await attempt(app, user.email, 'wrong password!')).statusCode).toBe(401);
      }
      // The window ends: four old failures and one new one do not lock.
      clock.advance(16 * minute);
      expect((await attempt(app, user.email, 'wrong password!')).statusCode).toBe(401);
      expect((await attempt(app, user.email, user.password)).statusCode).toBe(200);
    });

    it('refuses a sign-in sent from another site (login CSRF), accepts its own origin', async () => {
      const { app, world } = await buildPortalApi(database());
      const user = world.users.partnerAgent;
      const evil = await attempt(app, user.email, user.password, {
        origin: 'https://evil.example',
      });
      expect(evil.statusCode).toBe(403);
      expect(evil.json<Json>().error.code).toBe('auth.cross_origin');
      expect(evil.cookies).toEqual([]);
      const fetchSite = await attempt(app, user.email, user.password, {
        'sec-fetch-site': 'cross-site',
      });
      expect(fetchSite.statusCode).toBe(403);
      const own = await attempt(app, user.email, user.password, {
        origin: 'https://preflight.test',
        'sec-fetch-site': 'same-origin',
      });
      expect(own.statusCode).toBe(200);
    });

    it('leaves the cookie without Secure when the portal is served over plain HTTP', async () => {
      const { deps } = buildDeps(database());
      const plain = { ...deps, settings: { ...deps.settings, publicUrl: 'http://localhost:8080' } };
      const app = await buildApp({
        deps: plain,
        keyRing: await KeyRing.open(deps.store.repos.signingKeys),
        probe: database(),
        logger: createLogger({ level: 'silent' }),
      });
      const { oneTimePassword } = await createOperatorUser(deps, operator, {
        email: 'ops@example.com',
      });
      const response = await attempt(app, 'ops@example.com', oneTimePassword);
      expect(response.statusCode).toBe(200);
      const cookie = response.cookies.find((c) => c.name === 'preflight_session')!;
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
      expect(cookie.secure).toBeUndefined();
    });

    it('limits sign-in attempts per source address', async () => {
      const { app } = await buildTestApi(database(), { limits: { signInsPerMinute: 3 } });
      for (let i = 0; i < 3; i += 1) {
        expect((await attempt(app, `someone${i}@x.example`, 'whatever it is')).statusCode).toBe(
          401,
        );
      }
      expect((await attempt(app, 'someone9@x.example', 'whatever it is')).statusCode).toBe(429);
    });
  });

  describe('sessions', () => {
    it('end 30 minutes after the last request, and 12 hours after sign-in however busy', async () => {
      const { app, world, clock } = await buildPortalApi(database());
      const get = (s: { headers(): Record<string, string> }) =>
        app.inject({ method: 'GET', url: '/portal/api/session', headers: s.headers() });

      const idle = await signInAs(app, world, 'customerReader');
      clock.advance(29 * minute);
      expect((await get(idle)).statusCode).toBe(200);
      clock.advance(29 * minute);
      expect((await get(idle)).statusCode).toBe(200);
      clock.advance(30 * minute);
      const ended = await get(idle);
      expect(ended.statusCode).toBe(401);
      expect(ended.json<Json>().error.code).toBe('auth.no_session');
      // The dead cookie is cleared.
      expect(ended.cookies.find((c) => c.name === 'preflight_session')?.value).toBe('');

      const busy = await signInAs(app, world, 'customerAdmin');
      for (let elapsed = 0; elapsed < 12 * 60 - 20; elapsed += 20) {
        clock.advance(20 * minute);
        expect((await get(busy)).statusCode, `after ${elapsed + 20} min`).toBe(200);
      }
      clock.advance(20 * minute);
      expect((await get(busy)).statusCode).toBe(401);
    });

    it('refuses a forged cookie and no cookie with 401', async () => {
      const { app } = await buildPortalApi(database());
      const none = await app.inject({ method: 'GET', url: '/portal/api/session' });
      expect(none.statusCode).toBe(401);
      expect(none.json<Json>().error.code).toBe('auth.no_session');
      const forged = await app.inject({
        method: 'GET',
        url: '/portal/api/session',
        headers: sessionOf('preflight_session=' + 'A'.repeat(43), 'x').headers(),
      });
      expect(forged.statusCode).toBe(401);
    });

    it('needs the CSRF token on every change', async () => {
      const { app, world } = await buildPortalApi(database());
      const session = await signInAs(app, world, 'partnerAdmin');
      const change = (headers: Record<string, string>) =>
        app.inject({
          method: 'POST',
          url: '/portal/api/session/organisation',
          payload: { orgId: world.partner.id },
          headers,
        });
      const missing = await change({ cookie: session.cookie });
      expect(missing.statusCode).toBe(403);
      expect(missing.json<Json>().error.code).toBe('auth.csrf');
      const other = await signInAs(app, world, 'partnerAgent');
      expect(
        (await change({ cookie: session.cookie, 'x-csrf-token': other.csrf })).statusCode,
      ).toBe(403);
      expect((await change(session.headers(true))).statusCode).toBe(200);
      const signOut = await app.inject({
        method: 'POST',
        url: '/portal/api/sign-out',
        headers: session.headers(),
      });
      expect(signOut.statusCode).toBe(403);
    });

    it('signs out: the session is gone and the cookie cleared', async () => {
      const { app, world } = await buildPortalApi(database());
      const session = await signInAs(app, world, 'oemAdmin');
      const out = await app.inject({
        method: 'POST',
        url: '/portal/api/sign-out',
        headers: session.headers(true),
      });
      expect(out.statusCode).toBe(204);
      expect(out.cookies.find((c) => c.name === 'preflight_session')?.value).toBe('');
      const after = await app.inject({
        method: 'GET',
        url: '/portal/api/session',
        headers: session.headers(),
      });
      expect(after.statusCode).toBe(401);
    });

    it('switches only to organisations the user belongs to, and follows membership changes', async () => {
      const { app, world, deps } = await buildPortalApi(database());
      const user = world.users.partnerAdmin;
      await deps.store.repos.users.addMembership(
        { userId: user.id, orgId: world.customer.id, role: 'reader' },
        '2026-01-15T09:00:00.000Z',
      );
      const session = await signInAs(app, world, 'partnerAdmin');
      const switchTo = (orgId: string) =>
        app.inject({
          method: 'POST',
          url: '/portal/api/session/organisation',
          payload: { orgId },
          headers: session.headers(true),
        });
      const switched = await switchTo(world.customer.id);
      expect(switched.statusCode).toBe(200);
      expect(switched.json<Json>().organisation).toMatchObject({
        id: world.customer.id,
        kind: 'customer',
        role: 'reader',
      });
      expect(switched.json<Json>().memberships).toHaveLength(2);
      for (const foreign of [world.otherCustomer.id, world.oem.id, 'no-such-org']) {
        const refused = await switchTo(foreign);
        expect(refused.statusCode).toBe(404);
      }
      // Removed from the customer: the next request acts for the partner again.
      await database()
        .db.deleteFrom('memberships')
        .where('user_id', '=', user.id)
        .where('org_id', '=', world.customer.id)
        .execute();
      const now = await app.inject({
        method: 'GET',
        url: '/portal/api/session',
        headers: session.headers(),
      });
      expect(now.json<Json>().organisation).toMatchObject({ id: world.partner.id, role: 'admin' });
      // Removed from everything: operator pages stay closed, the session shows no organisation.
      await database().db.deleteFrom('memberships').where('user_id', '=', user.id).execute();
      const none = await app.inject({
        method: 'GET',
        url: '/portal/api/session',
        headers: session.headers(),
      });
      expect(none.json<Json>().organisation).toBeNull();
      // A deleted user's sessions are gone.
      await database().db.deleteFrom('users').where('id', '=', user.id).execute();
      const gone = await app.inject({
        method: 'GET',
        url: '/portal/api/session',
        headers: session.headers(),
      });
      expect(gone.statusCode).toBe(401);
    });
  });

  describe('passwords', () => {
    it('makes a user with a one-time password choose their own before anything else', async () => {
      const { app, world, deps } = await buildPortalApi(database());
      const operatorSession = await signInAs(app, world, 'operator');
      const created = await app.inject({
        method: 'POST',
        url: `/portal/api/organisations/${world.customer.id}/users`,
        payload: { email: 'new@contoso.example', role: 'agent' },
        headers: operatorSession.headers(true),
      });
      expect(created.statusCode, created.body).toBe(201);
      const { oneTimePassword } = created.json<Json>();

      const first = await attempt(app, 'new@contoso.example', oneTimePassword);
      expect(first.json<Json>().user.mustChangePassword).toBe(true);
      const session = await signIn(app, 'new@contoso.example', oneTimePassword);
      const elsewhere = await signIn(app, 'new@contoso.example', oneTimePassword);

      // A fresh operator must change too; operator pages are closed until then.
      const { oneTimePassword: opPassword } = await createOperatorUser(deps, operator, {
        email: 'second-operator@preflight.example',
      });
      const op = await signIn(app, 'second-operator@preflight.example', opPassword);
      const gated = await app.inject({
        method: 'GET',
        url: '/portal/api/organisations',
        headers: op.headers(),
      });
      expect(gated.statusCode).toBe(403);
      expect(gated.json<Json>().error.code).toBe('auth.password_change_required');
      expect(
        (await app.inject({ method: 'GET', url: '/portal/api/session', headers: op.headers() }))
          .statusCode,
      ).toBe(200);

      const change = (s: typeof session, currentPassword: string, newPassword: string) =>
        app.inject({
          method: 'POST',
          url: '/portal/api/password',
          payload: { currentPassword, newPassword },
          headers: s.headers(true),
        });
      const wrongCurrent = await change(session, 'not my password', 'a brand new passphrase');
      expect(wrongCurrent.statusCode).toBe(400);
      expect(wrongCurrent.json<Json>().error.code).toBe('auth.wrong_password');
      const tooShort = await change(session, oneTimePassword, 'short one');
      expect(tooShort.statusCode).toBe(400);
      expect(tooShort.json<Json>().error.details.field).toBe('newPassword');
      expect((await change(session, oneTimePassword, oneTimePassword)).statusCode).toBe(400);
      expect((await change(session, oneTimePassword, 'a brand new passphrase')).statusCode).toBe(
        204,
      );

      const after = await app.inject({
        method: 'GET',
        url: '/portal/api/session',
        headers: session.headers(),
      });
      expect(after.statusCode).toBe(200);
      expect(after.json<Json>().user.mustChangePassword).toBe(false);
      // The other browser's session ended with the change.
      expect(
        (
          await app.inject({
            method: 'GET',
            url: '/portal/api/session',
            headers: elsewhere.headers(),
          })
        ).statusCode,
      ).toBe(401);
      expect((await attempt(app, 'new@contoso.example', oneTimePassword)).statusCode).toBe(401);
      expect((await attempt(app, 'new@contoso.example', 'a brand new passphrase')).statusCode).toBe(
        200,
      );
      const audit = await database()
        .db.selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'user.password_changed')
        .execute();
      expect(audit).toMatchObject([
        { actor: 'user:new@contoso.example', acting_org_id: world.customer.id },
      ]);
    });
  });

  describe('first-run setup', () => {
    it('creates the first operator once, with the latest link only', async () => {
      const { app, deps } = await buildTestApi(database());
      const state = await app.inject({ method: 'GET', url: '/portal/api/setup' });
      expect(state.json()).toEqual({ needed: true });
      const older = (await issueSetupLink(deps))!;
      const link = (await issueSetupLink(deps))!;
      expect(link).toMatch(/^https:\/\/preflight\.test\/portal\/setup#token=[\w-]{43}$/);
      const tokenOf = (url: string) => url.split('#token=')[1]!;
      const setup = (token: string, email = 'root@preflight.example', headers = {}) =>
        app.inject({
          method: 'POST',
          url: '/portal/api/setup',
          payload: { token, email, password: 'correct horse battery staple' },
          headers,
        });

      const stale = await setup(tokenOf(older));
      expect(stale.statusCode).toBe(403);
      expect(stale.json<Json>().error.code).toBe('setup.invalid_token');
      expect((await setup('made-up-token')).statusCode).toBe(403);
      expect(
        (await setup(tokenOf(link), 'root@preflight.example', { origin: 'https://evil.example' }))
          .statusCode,
      ).toBe(403);
      const shortPassword = await app.inject({
        method: 'POST',
        url: '/portal/api/setup',
        payload: { token: tokenOf(link), email: 'root@preflight.example', password: 'too short' },
      });
      expect(shortPassword.statusCode).toBe(400);

      const done = await setup(tokenOf(link));
      expect(done.statusCode, done.body).toBe(200);
      expect(done.json<Json>()).toMatchObject({
        operator: true,
        organisation: null,
        user: { email: 'root@preflight.example', mustChangePassword: false },
      });
      const cookie = done.cookies.find((c) => c.name === 'preflight_session')!;
      const orgs = await app.inject({
        method: 'GET',
        url: '/portal/api/organisations',
        headers: { cookie: `preflight_session=${cookie.value}` },
      });
      expect(orgs.statusCode).toBe(200);

      const again = await setup(tokenOf(link), 'second@preflight.example');
      expect(again.statusCode).toBe(409);
      expect(again.json<Json>().error.code).toBe('setup.done');
      expect((await app.inject({ method: 'GET', url: '/portal/api/setup' })).json()).toEqual({
        needed: false,
      });
      expect(await issueSetupLink(deps)).toBeUndefined();
      const audit = await database()
        .db.selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'operator.created')
        .execute();
      expect(audit).toMatchObject([{ actor: 'operator:root@preflight.example' }]);
    });
  });

  describe('operator pages', () => {
    it('lets an operator list and create organisations and add users; nobody else', async () => {
      const { app, world } = await buildPortalApi(database());
      const op = await signInAs(app, world, 'operator');
      const list = await app.inject({
        method: 'GET',
        url: '/portal/api/organisations?search=CONTOSO&limit=10',
        headers: op.headers(),
      });
      expect(list.statusCode).toBe(200);
      expect(list.json()).toEqual({
        items: [
          {
            id: world.customer.id,
            displayName: 'Contoso',
            kind: 'customer',
            domain: 'contoso.example',
          },
        ],
        total: 1,
        offset: 0,
        limit: 10,
      });
      const created = await app.inject({
        method: 'POST',
        url: '/portal/api/organisations',
        payload: { kind: 'customer', displayName: 'Adventure Works', domain: '' },
        headers: op.headers(true),
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json<Json>()).toMatchObject({ displayName: 'Adventure Works', domain: null });
      const duplicate = await app.inject({
        method: 'POST',
        url: '/portal/api/organisations',
        payload: { kind: 'customer', displayName: 'adventure works' },
        headers: op.headers(true),
      });
      expect(duplicate.statusCode).toBe(409);
      const unknownOrg = await app.inject({
        method: 'POST',
        url: '/portal/api/organisations/00000000-0000-4000-8000-000000000000/users',
        payload: { email: 'x@y.example', role: 'admin' },
        headers: op.headers(true),
      });
      expect(unknownOrg.statusCode).toBe(404);
      const audit = await database()
        .db.selectFrom('audit_events')
        .selectAll()
        .where('subject_id', '=', created.json<Json>().id)
        .execute();
      expect(audit[0]?.actor).toBe('operator:operator@preflight.example');

      for (const persona of ['partnerAdmin', 'customerAdmin', 'oemAdmin'] as const) {
        const session = await signInAs(app, world, persona);
        const refused = await app.inject({
          method: 'GET',
          url: '/portal/api/organisations',
          headers: session.headers(),
        });
        expect(refused.statusCode).toBe(403);
        expect(refused.json<Json>().error.code).toBe('access.denied');
        const create = await app.inject({
          method: 'POST',
          url: '/portal/api/organisations',
          payload: { kind: 'partner', displayName: `Made by ${persona}` },
          headers: session.headers(true),
        });
        expect(create.statusCode).toBe(403);
      }
    });
  });
});
