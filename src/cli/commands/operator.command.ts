import type { Command } from 'commander';
import { operator } from '../../domain/actor.js';
import { createOperatorUser } from '../../services/setup.js';
import type { CliContext } from '../context.js';
import { emit, guard } from '../output.js';
import type { CliRuntime } from '../runtime.js';

/**
 * `preflight operator create`: a portal operator with a one-time password, for installs
 * that cannot open the first-run link (automation, configuration management).
 */
export function operatorCommands(runtime: CliRuntime) {
  return (program: Command, ctx: CliContext): void => {
    program
      .command('operator')
      .description('People who administer the whole service in the portal')
      .command('create')
      .description('Create an operator; prints a one-time password')
      .requiredOption('--email <email>', 'e-mail address (the sign-in name)')
      .option('--json', 'print JSON')
      .action((opts: { email: string; json?: boolean }) =>
        guard(ctx, opts.json, () =>
          runtime.withServices(async (deps) => {
            const { user, oneTimePassword } = await createOperatorUser(deps, operator, opts);
            emit(ctx, opts.json, { ...user, operator: true, oneTimePassword }, () =>
              [
                `Created operator ${user.email} (${user.id}).`,
                `One-time password (shown once; to be changed at first sign-in): ${oneTimePassword}`,
                `Sign in at ${deps.settings.publicUrl}/portal/sign-in`,
              ].join('\n'),
            );
          }),
        ),
      );
  };
}
