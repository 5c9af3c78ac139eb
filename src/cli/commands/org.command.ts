import type { Command } from 'commander';
import { operator } from '../../domain/actor.js';
import { createOrganisation, listOrganisations } from '../../services/organisations.js';
import { createApiClient, createUser } from '../../services/users.js';
import type { CliContext } from '../context.js';
import { emit, guard, table } from '../output.js';
import type { CliRuntime } from '../runtime.js';

/** `preflight org …`, `preflight user create`, `preflight client create` (operator commands). */
export function tenancyCommands(runtime: CliRuntime) {
  return (program: Command, ctx: CliContext): void => {
    const org = program.command('org').description('Organisations: partners, OEMs and customers');

    org
      .command('create')
      .description('Create an organisation')
      .requiredOption('--kind <kind>', 'partner, oem or customer')
      .requiredOption('--name <name>', 'display name (unique, any case)')
      .option('--domain <domain>', 'verified tenant domain, e.g. contoso.onmicrosoft.com')
      .option('--json', 'print JSON')
      .action((opts: { kind: string; name: string; domain?: string; json?: boolean }) =>
        guard(ctx, opts.json, () =>
          runtime.withServices(async (deps) => {
            const created = await createOrganisation(deps, operator, {
              kind: opts.kind,
              displayName: opts.name,
              domain: opts.domain,
            });
            emit(
              ctx,
              opts.json,
              created,
              () => `Created ${created.kind} "${created.displayName}" (${created.id}).`,
            );
          }),
        ),
      );

    org
      .command('list')
      .description('List organisations')
      .option('--kind <kind>', 'only this kind')
      .option('--json', 'print JSON')
      .action((opts: { kind?: string; json?: boolean }) =>
        guard(ctx, opts.json, () =>
          runtime.withServices(async (deps) => {
            const orgs = await listOrganisations(
              deps,
              operator,
              opts.kind ? { kind: opts.kind } : {},
            );
            emit(ctx, opts.json, orgs, () =>
              table(
                ['ID', 'KIND', 'NAME', 'DOMAIN', 'CREATED'],
                orgs.map((o) => [o.id, o.kind, o.displayName, o.domain, o.createdAt]),
              ),
            );
          }),
        ),
      );

    program
      .command('user')
      .description('People who sign in to the portal')
      .command('create')
      .description('Create a user with a role in an organisation; prints a one-time password')
      .requiredOption('--org <org>', 'organisation id, name or domain')
      .requiredOption('--email <email>', 'e-mail address (the sign-in name)')
      .requiredOption('--role <role>', 'admin, agent or reader')
      .option('--json', 'print JSON')
      .action((opts: { org: string; email: string; role: string; json?: boolean }) =>
        guard(ctx, opts.json, () =>
          runtime.withServices(async (deps) => {
            const { user, orgId, role, oneTimePassword } = await createUser(deps, operator, opts);
            emit(ctx, opts.json, { ...user, orgId, role, oneTimePassword }, () =>
              [
                `Created ${role} ${user.email} (${user.id}).`,
                `One-time password (shown once; the user must change it): ${oneTimePassword}`,
              ].join('\n'),
            );
          }),
        ),
      );

    program
      .command('client')
      .description('OAuth2 API clients')
      .command('create')
      .description('Create an API client; prints its id and secret once')
      .requiredOption('--org <org>', 'organisation id, name or domain')
      .option('--role <role...>', 'admin, agent or reader (repeatable; default agent)')
      .option('--json', 'print JSON')
      .action((opts: { org: string; role?: string[]; json?: boolean }) =>
        guard(ctx, opts.json, () =>
          runtime.withServices(async (deps) => {
            const { client, secret } = await createApiClient(deps, operator, {
              org: opts.org,
              roles: opts.role,
            });
            emit(ctx, opts.json, { ...client, clientSecret: secret }, () =>
              [
                `Created API client for ${client.orgId} with roles ${client.roles.join(', ')}.`,
                `client_id:     ${client.clientId}`,
                `client_secret: ${secret}`,
                'The secret is shown once and stored only as a hash; keep it now.',
              ].join('\n'),
            );
          }),
        ),
      );
  };
}
