import type { Command } from 'commander';
import { operator } from '../../domain/actor.js';
import { listAuditEvents } from '../../services/audit.js';
import { resolveOrganisation } from '../../services/organisations.js';
import {
  acceptInvitation,
  getRelationship,
  inviteCustomer,
  listRelationships,
  previewInvitation,
  revokeRelationship,
  type RelationshipView,
} from '../../services/relationships.js';
import { actorForUser } from '../../services/users.js';
import type { CliContext } from '../context.js';
import { emit, guard, table } from '../output.js';
import type { CliRuntime } from '../runtime.js';

/** `preflight relationship …` and `preflight audit list`. */
export function relationshipCommands(runtime: CliRuntime) {
  return (program: Command, ctx: CliContext): void => {
    const rel = program
      .command('relationship')
      .description('Consent between a partner or OEM and a customer');

    rel
      .command('invite')
      .description('Create an invitation (an OEM authorization link when FROM is an OEM)')
      .requiredOption('--from <org>', 'the partner or OEM (id, name or domain)')
      .requiredOption('--to <org>', 'the customer (id, name or domain)')
      .option(
        '--permissions <list>',
        'register_devices,deregister_devices,read_devices (default: all)',
      )
      .option('--expires-in-days <days>', 'lifetime of the link (default 14)', (v) => Number(v))
      .option('--json', 'print JSON')
      .action(
        (opts: {
          from: string;
          to: string;
          permissions?: string;
          expiresInDays?: number;
          json?: boolean;
        }) =>
          guard(ctx, opts.json, () =>
            runtime.withServices(async (deps) => {
              const invitation = await inviteCustomer(deps, operator, {
                from: opts.from,
                to: opts.to,
                permissions: opts.permissions ? [opts.permissions] : undefined,
                ttlDays: opts.expiresInDays,
              });
              emit(ctx, opts.json, invitation, () =>
                [
                  `Invited ${invitation.relationship.customer.displayName} on behalf of ${invitation.relationship.registrar.displayName}.`,
                  `Permissions: ${invitation.relationship.permissions.join(', ')}`,
                  `Expires:     ${invitation.relationship.invitationExpiresAt}`,
                  `Link:        ${invitation.url}`,
                  `Token:       ${invitation.token}`,
                  'Send the link to an administrator of the customer. It works once.',
                ].join('\n'),
              );
            }),
          ),
      );

    rel
      .command('accept')
      .description('Accept an invitation as an administrator of the customer')
      .argument('<token>', 'the token (or the whole link) from the invitation')
      .requiredOption('--user <user>', 'e-mail or id of an admin of the customer')
      .option('--json', 'print JSON')
      .action((token: string, opts: { user: string; json?: boolean }) =>
        guard(ctx, opts.json, () =>
          runtime.withServices(async (deps) => {
            const bare = token.trim().split('/').pop() ?? '';
            const invitation = await previewInvitation(deps, bare);
            const actor = await actorForUser(deps, opts.user, [invitation.customerOrgId]);
            const accepted = await acceptInvitation(deps, actor, bare);
            emit(
              ctx,
              opts.json,
              accepted,
              () =>
                `${accepted.customer.displayName} now allows ${accepted.registrar.displayName} to: ${accepted.permissions.join(', ')} (relationship ${accepted.id}).`,
            );
          }),
        ),
      );

    rel
      .command('list')
      .description("List an organisation's relationships, in both directions")
      .option('--org <org>', 'organisation id, name or domain (default: all)')
      .option('--json', 'print JSON')
      .action((opts: { org?: string; json?: boolean }) =>
        guard(ctx, opts.json, () =>
          runtime.withServices(async (deps) => {
            const rels = await listRelationships(deps, operator, opts.org ? { org: opts.org } : {});
            emit(ctx, opts.json, rels, () => relationshipTable(rels));
          }),
        ),
      );

    rel
      .command('revoke')
      .description(
        'End a relationship (customer admin), or withdraw a pending invitation (inviting admin)',
      )
      .argument('<id>', 'relationship id')
      .requiredOption('--user <user>', 'e-mail or id of the admin who ends it')
      .option('--json', 'print JSON')
      .action((id: string, opts: { user: string; json?: boolean }) =>
        guard(ctx, opts.json, () =>
          runtime.withServices(async (deps) => {
            const found = await getRelationship(deps, operator, id);
            const actor = await actorForUser(deps, opts.user, [
              found.customerOrgId,
              found.registrarOrgId,
            ]);
            const revoked = await revokeRelationship(deps, actor, id);
            emit(
              ctx,
              opts.json,
              revoked,
              () =>
                `Revoked: ${revoked.registrar.displayName} may no longer act for ${revoked.customer.displayName}.`,
            );
          }),
        ),
      );

    program
      .command('audit')
      .description('The audit log')
      .command('list')
      .description('List audit events, oldest first')
      .option('--org <org>', 'only events this organisation may read')
      .option('--limit <n>', 'at most this many', (v) => Number(v), 1000)
      .option('--json', 'print JSON')
      .action((opts: { org?: string; limit: number; json?: boolean }) =>
        guard(ctx, opts.json, () =>
          runtime.withServices(async (deps) => {
            const orgId = opts.org ? (await resolveOrganisation(deps, opts.org)).id : undefined;
            const events = await listAuditEvents(deps, operator, {
              ...(orgId ? { orgId } : {}),
              limit: opts.limit,
            });
            emit(ctx, opts.json, events, () =>
              table(
                ['AT', 'ACTOR', 'ACTION', 'SUBJECT'],
                events.map((e) => [e.at, e.actor, e.action, `${e.subjectType}:${e.subjectId}`]),
              ),
            );
          }),
        ),
      );
  };
}

function relationshipTable(rels: readonly RelationshipView[]): string {
  return table(
    ['ID', 'STATUS', 'KIND', 'FROM', 'TO', 'PERMISSIONS', 'EXPIRES'],
    rels.map((r) => [
      r.id,
      r.status,
      r.kind,
      r.registrar.displayName,
      r.customer.displayName,
      r.permissions.join(','),
      r.status === 'invited' ? r.invitationExpiresAt : '',
    ]),
  );
}
