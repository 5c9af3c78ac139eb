/**
 * The audit log as the portal shows it: newest first, a page at a time, each event with
 * a short sentence a person can read without opening its JSON.
 * @module
 */
import { authorize } from '../../access/policy.js';
import type { Actor } from '../../domain/actor.js';
import type { AuditEvent } from '../../domain/audit.js';
import { operatorScope, orgScope } from '../../store/scope.js';
import type { ServiceDeps } from '../deps.js';
import { orgRefsOf } from './relationship-views.js';
import type { AuditEntry, Page } from './contract.js';

/**
 * One page of the events the acting organisation may read: those it caused and those
 * that concern it as the other side (e.g. its customer revoking the relationship).
 */
export async function auditPage(
  deps: ServiceDeps,
  actor: Actor,
  paging: { readonly offset: number; readonly limit: number },
): Promise<Page<AuditEntry>> {
  if (actor.kind !== 'operator') {
    authorize(actor, 'audit.read', { orgId: actor.orgId });
  }
  const scope = actor.kind === 'operator' ? operatorScope : orgScope(actor.orgId);
  const { events, total } = await deps.store.repos.audit.page(scope, paging);
  const names = await orgRefsOf(
    deps,
    events.flatMap((e) => [e.actingOrgId, e.counterpartOrgId]),
  );
  const nameOf = (id: string | null) =>
    (id !== null ? names.get(id)?.displayName : undefined) ?? 'another organisation';
  return {
    items: events.map((e) => ({
      id: e.id,
      at: e.at,
      actor: e.actor,
      action: e.action,
      subjectType: e.subjectType,
      subjectId: e.subjectId,
      summary: summarise(e, nameOf),
    })),
    total,
    offset: paging.offset,
    limit: paging.limit,
  };
}

type Fields = Readonly<Record<string, unknown>>;

function fieldsOf(value: unknown): Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Fields)
    : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function count(value: unknown, noun: string): string {
  const n = typeof value === 'number' ? value : 0;
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * One sentence per event, from what the event recorded. `nameOf` names an organisation
 * of the event (acting or other side); ids stand in for names that were not recorded.
 */
export function summarise(event: AuditEvent, nameOf: (orgId: string | null) => string): string {
  const before = fieldsOf(event.before);
  const after = fieldsOf(event.after);
  const settings = fieldsOf(after.settings);
  const counterpart = nameOf(event.counterpartOrgId);
  switch (event.action) {
    case 'organisation.created':
      return `Organisation "${text(after.displayName) ?? event.subjectId}" created.`;
    case 'user.created':
      return `User ${text(after.email) ?? event.subjectId} added${text(after.role) ? ` as ${String(after.role)}` : ''}.`;
    case 'user.locked':
      return `Sign-in locked for ${text(after.email) ?? event.subjectId} after repeated failures.`;
    case 'user.password_changed':
      return `${event.actor.replace(/^user:/, '')} changed their password.`;
    case 'operator.created':
      return `Operator ${text(after.email) ?? event.subjectId} created.`;
    case 'client.created':
      return `API client ${event.subjectId} created.`;
    case 'relationship.invited':
      return `${nameOf(event.actingOrgId)} invited ${counterpart}.`;
    case 'relationship.accepted':
      return `${nameOf(event.actingOrgId)} accepted the invitation from ${counterpart}.`;
    case 'relationship.revoked':
      return `${nameOf(event.actingOrgId)} ended the relationship with ${counterpart}.`;
    case 'batch.submitted':
      return `Batch of ${count(after.rows, 'device')} submitted for ${counterpart}${text(after.fileName) ? ` from ${String(after.fileName)}` : ''}.`;
    case 'batch.finished':
      return `Batch finished: ${count(after.registered, 'device')} registered, ${Number(after.failed ?? 0)} failed.`;
    case 'device.deregistered':
      return `Device ${text(before.serialNumber) ?? event.subjectId} deregistered.`;
    case 'device.updated':
      return 'groupTag' in after
        ? `Group tag of device ${event.subjectId} set to ${text(after.groupTag) ? `"${String(after.groupTag)}"` : 'none'}.`
        : `Device ${event.subjectId} updated.`;
    case 'device.policies_updated':
      return 'Profiles applied to devices.';
    case 'profile.created':
      return `Profile "${text(after.displayName) ?? text(settings.displayName) ?? event.subjectId}" created.`;
    case 'profile.updated':
      return `Profile "${text(after.displayName) ?? text(settings.displayName) ?? event.subjectId}" changed.`;
    case 'profile.deleted':
      return `Profile "${text(before.displayName) ?? event.subjectId}" deleted.`;
    case 'rule.created':
      return `Tag rule added: ${text(after.rule) ?? event.subjectId}.`;
    case 'rule.deleted':
      return `Tag rule removed: ${text(before.rule) ?? event.subjectId}.`;
    default:
      // An action added after this list: still readable, if plainer.
      return `${String(event.action)} on ${event.subjectType} ${event.subjectId}.`;
  }
}
