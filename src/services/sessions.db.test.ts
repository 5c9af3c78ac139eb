import { describe, expect, it } from 'vitest';
import { operator } from '../domain/actor.js';
import { PreflightError } from '../domain/errors.js';
import { forEachDialect } from '../../test/kit/databases.js';
import { buildDeps, buildTenants } from '../../test/kit/services.js';
import { clearMustChange } from '../../test/kit/portal.js';
import { completeSetup, issueSetupLink } from './setup.js';
import { changePassword, resolveSession, signIn } from './sessions.js';
import { createUser } from './users.js';

const codeOf = (outcome: PromiseSettledResult<unknown>) =>
  outcome.status === 'rejected' && outcome.reason instanceof PreflightError
    ? outcome.reason.code
    : outcome.status;

forEachDialect('sessions', (database) => {
  const withUser = async () => {
    const { deps, clock } = buildDeps(database());
    const { customer } = await buildTenants(deps);
    const { user, oneTimePassword } = await createUser(deps, operator, {
      org: customer.id,
      email: 'agent@contoso.example',
      role: 'agent',
    });
    await clearMustChange(deps, user.id);
    return { deps, clock, user, password: oneTimePassword };
  };

  describe('sign-in throttle', () => {
    it('counts failures that arrive at the same time, each of them', async () => {
      const { deps, user, password } = await withUser();
      const outcomes = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) =>
          signIn(deps, { email: user.email, password: `wrong ${i}` }),
        ),
      );
      expect(outcomes.map(codeOf).sort()).toEqual([
        'auth.bad_credentials',
        'auth.bad_credentials',
        'auth.bad_credentials',
        'auth.bad_credentials',
        'auth.locked',
      ]);
      await expect(signIn(deps, { email: user.email, password })).rejects.toMatchObject({
        code: 'auth.locked',
      });
    });

    it('folds the address case and spaces, so variants share one counter', async () => {
      const { deps, user } = await withUser();
      const variants = [
        'AGENT@contoso.example',
        ' agent@Contoso.Example',
        'Agent@contoso.example ',
      ];
      for (const email of [...variants, user.email]) {
        await expect(signIn(deps, { email, password: 'wrong' })).rejects.toMatchObject({
          code: 'auth.bad_credentials',
        });
      }
      await expect(signIn(deps, { email: user.email, password: 'wrong' })).rejects.toMatchObject({
        code: 'auth.locked',
      });
    });
  });

  describe('session use', () => {
    it('records the last use at most once a minute', async () => {
      const { deps, clock, user, password } = await withUser();
      const { token, session } = await signIn(deps, { email: user.email, password });
      const lastSeen = async () =>
        (await deps.store.repos.sessions.findById(session.sessionId))!.last_seen_at;
      const signedInAt = await lastSeen();
      clock.advance(30_000);
      await resolveSession(deps, token);
      expect(await lastSeen()).toBe(signedInAt);
      clock.advance(31_000);
      await resolveSession(deps, token);
      expect(await lastSeen()).toBe(clock.now().toISOString());
    });

    it('ends the other sessions of a user who changes password, not the one that changed it', async () => {
      const { deps, user, password } = await withUser();
      const mine = await signIn(deps, { email: user.email, password });
      const other = await signIn(deps, { email: user.email, password });
      const actor = {
        kind: 'user' as const,
        userId: user.id,
        email: user.email,
        orgId: mine.session.acting!.org.id,
        role: 'agent' as const,
      };
      await changePassword(
        deps,
        actor,
        { sessionId: mine.session.sessionId, userId: user.id },
        { currentPassword: password, newPassword: 'twelve chars plus' },
      );
      expect(await resolveSession(deps, mine.token)).toBeDefined();
      expect(await resolveSession(deps, other.token)).toBeUndefined();
    });
  });

  describe('first-run setup', () => {
    it('lets only one of two simultaneous requests with the link create an operator', async () => {
      const { deps } = buildDeps(database());
      const link = (await issueSetupLink(deps))!;
      const token = link.split('#token=')[1]!;
      const outcomes = await Promise.allSettled(
        ['one@example.com', 'two@example.com'].map((email) =>
          completeSetup(deps, { token, email, password: 'a long enough password' }),
        ),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      expect(['setup.done', 'setup.invalid_token']).toContain(
        codeOf(outcomes.find((o) => o.status === 'rejected')!),
      );
      const operators = await database().db.selectFrom('operators').selectAll().execute();
      expect(operators).toHaveLength(1);
    });
  });
});
