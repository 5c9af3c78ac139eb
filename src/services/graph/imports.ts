/**
 * Graph's import records (`importedWindowsAutopilotDeviceIdentity`, API-FACTS §2.1): each
 * device a client imports becomes one row of one batch, registered by the worker like
 * every other batch, and one import record that reads its state from that row.
 * @module
 */
import type { Actor } from '../../domain/actor.js';
import { PreflightError } from '../../domain/errors.js';
import type { RelationshipPermission } from '../../domain/relationship.js';
import { newSortableId } from '../../platform/secrets.js';
import type {
  ImportedIdentityRecord,
  ImportedIdentityScope,
} from '../../store/imported-identity.repo.js';
import type { ServiceDeps } from '../deps.js';
import { requireConsent } from '../registration/consent.js';
import type { PreparedRow } from '../registration/prepared-row.js';
import { submitBatch } from '../registration/register.js';
import { resolveOrganisation } from '../organisations.js';

export type { ImportedIdentityRecord } from '../../store/imported-identity.repo.js';

/**
 * The import records `actor` may touch for `customer`: a customer all of its own; a
 * partner or OEM those it submitted, while its relationship grants `permission`; the
 * operator all of the customer's.
 */
async function importScope(
  deps: ServiceDeps,
  actor: Actor,
  customer: string,
  permission: RelationshipPermission,
): Promise<ImportedIdentityScope> {
  const target = await resolveOrganisation(deps, customer);
  if (actor.kind === 'operator') {
    return { customerOrgId: target.id };
  }
  const own = await deps.store.repos.organisations.findById(actor.orgId);
  if (!own) {
    throw new PreflightError('org.not_found', 'Your organisation no longer exists.');
  }
  if (own.kind === 'customer') {
    if (own.id !== target.id) {
      throw new PreflightError('org.not_found', `No organisation matches "${customer}".`, {
        ref: customer,
      });
    }
    return { customerOrgId: own.id };
  }
  await requireConsent(deps.store.repos, own, target, permission, deps.clock.now());
  return { customerOrgId: target.id, registrarOrgId: own.id };
}

function requireWriter(actor: Actor, what: string): void {
  if (actor.kind === 'operator') {
    return;
  }
  const roles = actor.kind === 'user' ? [actor.role] : actor.roles;
  if (!roles.some((r) => r === 'admin' || r === 'agent')) {
    throw new PreflightError('access.denied', `${what} needs the admin or agent role.`);
  }
}

/**
 * Imports devices for `customer` as ONE batch (the registrar is the actor's organisation;
 * a customer importing its own devices is both sides) and records one import record per
 * device, in request order. Returns the records as they stand, normally still pending:
 * the worker registers the batch.
 * The records are written in the transaction that acknowledges the batch, so either both
 * exist or neither does.
 */
export async function importDevices(
  deps: ServiceDeps,
  actor: Actor,
  input: { customer: string; rows: readonly PreparedRow[] },
): Promise<ImportedIdentityRecord[]> {
  const createdAt = deps.clock.now().toISOString();
  // Time-ordered ids: a listing (ordered by id) shows records in the order imported.
  const ids = input.rows.map(() => newSortableId());
  const stored = await submitBatch(
    deps,
    actor,
    { customer: input.customer },
    {
      source: 'api',
      rows: input.rows,
      // In the batch's own acknowledging transaction: no batch without its records.
      onAcknowledge: (repos, batch) =>
        repos.importedIdentities.insert(
          ids.map((id, index) => ({
            id,
            customer_org_id: batch.customerOrgId,
            registrar_org_id: batch.registrarOrgId,
            batch_id: batch.id,
            row_index: index,
            created_at: createdAt,
          })),
        ),
    },
  );
  const scope = { customerOrgId: stored.batch.customerOrgId };
  const records = await deps.store.repos.importedIdentities.findMany(scope, ids);
  const byId = new Map(records.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)!);
}

/** Import records visible to `actor` for `customer`, oldest first, after `after` (keyset). */
export async function listImports(
  deps: ServiceDeps,
  actor: Actor,
  input: { customer: string; after?: string; limit: number },
): Promise<ImportedIdentityRecord[]> {
  const scope = await importScope(deps, actor, input.customer, 'read_devices');
  return deps.store.repos.importedIdentities.list(scope, {
    limit: input.limit,
    ...(input.after !== undefined ? { after: input.after } : {}),
  });
}

/** One import record visible to `actor`. */
export async function getImport(
  deps: ServiceDeps,
  actor: Actor,
  input: { customer: string; id: string },
): Promise<ImportedIdentityRecord> {
  const scope = await importScope(deps, actor, input.customer, 'read_devices');
  const record = await deps.store.repos.importedIdentities.find(scope, input.id);
  if (!record) {
    throw notFound(input.id);
  }
  return record;
}

/**
 * Deletes an import record — only the record: a registered device stays registered
 * (Graph clients delete the record once it is complete or failed, API-FACTS §2.1).
 */
export async function deleteImport(
  deps: ServiceDeps,
  actor: Actor,
  input: { customer: string; id: string },
): Promise<void> {
  requireWriter(actor, 'Deleting import records');
  const scope = await importScope(deps, actor, input.customer, 'register_devices');
  if (!(await deps.store.repos.importedIdentities.delete(scope, input.id))) {
    throw notFound(input.id);
  }
}

function notFound(id: string): PreflightError {
  return new PreflightError(
    'device.not_found',
    `No import record ${id} is visible to you.`,
    { id },
    'Check the id; list the import records to find it.',
  );
}
