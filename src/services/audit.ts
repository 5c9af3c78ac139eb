import { actingOrg, actorLabel, type Actor } from '../domain/actor.js';
import type { AuditAction, AuditEvent } from '../domain/audit.js';
import { newSortableId } from '../platform/secrets.js';
import type { Repos } from '../store/store.js';
import { authorize } from '../access/policy.js';
import { operatorScope, orgScope } from '../store/scope.js';
import type { ServiceDeps } from './deps.js';

/** Appends one audit event inside the caller's transaction. */
export async function recordAudit(
  repos: Repos,
  actor: Actor,
  at: Date,
  event: {
    action: AuditAction;
    subjectType: AuditEvent['subjectType'];
    subjectId: string;
    counterpartOrgId?: string | null;
    actingOrgId?: string | null;
    before?: unknown;
    after?: unknown;
  },
): Promise<void> {
  await repos.audit.append({
    id: newSortableId(),
    at: at.toISOString(),
    actor: actorLabel(actor),
    actingOrgId: event.actingOrgId ?? actingOrg(actor),
    counterpartOrgId: event.counterpartOrgId ?? null,
    action: event.action,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    before: event.before ?? null,
    after: event.after ?? null,
  });
}

/**
 * The audit log as `actor` may read it: an organisation sees the events it caused and
 * those that concern it as the other side (e.g. a customer revoking its partner); the
 * operator sees everything, or one organisation's view with `orgId`.
 */
export async function listAuditEvents(
  deps: ServiceDeps,
  actor: Actor,
  filter: { orgId?: string; limit?: number } = {},
): Promise<AuditEvent[]> {
  const orgId = filter.orgId ?? (actor.kind === 'operator' ? undefined : actor.orgId);
  if (orgId !== undefined) {
    authorize(actor, 'audit.read', { orgId });
  }
  return deps.store.repos.audit.list(orgId === undefined ? operatorScope : orgScope(orgId), {
    limit: filter.limit ?? 1000,
  });
}
