import { describe, expect, it } from 'vitest';
import { forEachDialect } from '../../../test/kit/databases.js';
import { buildTestApi } from '../../../test/kit/api.js';
import { buildDeps } from '../../../test/kit/services.js';
import type { CliContext } from '../context.js';
import { runProgram } from '../program.js';
import type { CliRuntime } from '../runtime.js';
import { operatorCommands } from './operator.command.js';

forEachDialect('preflight operator create', (database) => {
  const run = async (args: string[]) => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const ctx: CliContext = {
      io: { isTTY: false, out: (t) => stdout.push(t), err: (t) => stderr.push(t) },
      env: {},
      cwd: process.cwd(),
    };
    const runtime = {
      withServices: (work) => work(buildDeps(database()).deps),
    } as Pick<CliRuntime, 'withServices'> as CliRuntime;
    const code = await runProgram(ctx, [operatorCommands(runtime)], ['node', 'preflight', ...args]);
    return { code, out: stdout.join('\n'), err: stderr.join('\n') };
  };

  describe('creates an operator for automated installs', () => {
    it('prints a one-time password the operator must replace, and closes the setup page', async () => {
      const created = await run(['operator', 'create', '--email', 'Ops@Example.com', '--json']);
      expect(created.code, created.err).toBe(0);
      const body = JSON.parse(created.out) as { email: string; oneTimePassword: string };
      expect(body).toMatchObject({ email: 'ops@example.com', operator: true });
      expect(body.oneTimePassword).toHaveLength(20);

      const { app } = await buildTestApi(database());
      const signIn = await app.inject({
        method: 'POST',
        url: '/portal/api/sign-in',
        payload: { email: 'ops@example.com', password: body.oneTimePassword },
      });
      expect(signIn.statusCode).toBe(200);
      expect(signIn.json()).toMatchObject({ operator: true, user: { mustChangePassword: true } });
      const setup = await app.inject({ method: 'GET', url: '/portal/api/setup' });
      expect(setup.json()).toEqual({ needed: false });

      const again = await run(['operator', 'create', '--email', 'ops@example.com']);
      expect(again.code).not.toBe(0);
      expect(again.err).toContain('already exists');
      const text = await run(['operator', 'create', '--email', 'second@example.com']);
      expect(text.out).toContain('One-time password');
      expect(text.out).toContain('https://preflight.test/portal/sign-in');
    });
  });
});
