/**
 * The shapes the portal's partner/OEM views return: plain objects matching the portal
 * contract (src/services/portal/contract.ts), built field by field so nothing internal
 * (who accepted, token digests, leases) leaves the service. Organisations and
 * relationships are presented as the customer views present them.
 * @module
 */
import type { Actor } from '../../domain/actor.js';
import { PreflightError } from '../../domain/errors.js';
import { isRegistrar, type Organisation } from '../../domain/organisation.js';
import { effectiveStatus, type Relationship } from '../../domain/relationship.js';
import type { Repos } from '../../store/store.js';
import type { BatchView } from '../registration/batch-view.js';
import type { ServiceDeps } from '../deps.js';
import { toOrgRef, toRelationshipInfo } from './relationship-views.js';
import type { BatchInfo, OrgRef, ProfileRef, RelationshipInfo } from './contract.js';

export interface Paging {
  readonly offset: number;
  readonly limit: number;
}

/** A relationship with its status as of `now`, between the two organisations named. */
export function relationshipInfo(
  rel: Relationship,
  registrar: Pick<Organisation, 'id' | 'displayName' | 'kind' | 'domain'>,
  customer: Pick<Organisation, 'id' | 'displayName' | 'kind' | 'domain'>,
  now: Date,
): RelationshipInfo {
  return toRelationshipInfo({ ...rel, status: effectiveStatus(rel, now), registrar, customer });
}

export function batchInfo(batch: BatchView, registrar: OrgRef, customer: OrgRef): BatchInfo {
  return {
    id: batch.id,
    customer,
    registrar,
    status: batch.status,
    source: batch.source,
    fileName: batch.fileName,
    groupTag: batch.groupTag,
    totalRows: batch.totalRows,
    registeredRows: batch.registeredRows,
    failedRows: batch.failedRows,
    warningRows: batch.warningRows,
    createdAt: batch.createdAt,
    createdBy: batch.createdBy,
    finishedAt: batch.finishedAt,
    failureReason: batch.failureReason,
  };
}

/** The customer's profiles by id, for naming the profile a device or row received. */
export async function profileRefs(
  repos: Repos,
  customerOrgId: string,
): Promise<Map<string, ProfileRef>> {
  const profiles = await repos.profiles.listProfiles(customerOrgId);
  return new Map(profiles.map((p) => [p.id, { id: p.id, displayName: p.display_name }]));
}

/** Both sides of a batch, named. */
export async function batchInfos(
  deps: ServiceDeps,
  batches: readonly BatchView[],
): Promise<BatchInfo[]> {
  const ids = batches.flatMap((b) => [b.registrarOrgId, b.customerOrgId]);
  const orgs = new Map<string, OrgRef>();
  for (const id of new Set(ids)) {
    const org = await deps.store.repos.organisations.findById(id);
    if (!org) {
      throw new Error(`Organisation ${id} is referenced by a batch but does not exist.`);
    }
    orgs.set(id, toOrgRef(org));
  }
  return batches.map((b) => batchInfo(b, orgs.get(b.registrarOrgId)!, orgs.get(b.customerOrgId)!));
}

/**
 * The partner or OEM a user or client acts for. The portal's registrar pages are theirs
 * alone; a customer or the operator is refused rather than shown an empty list.
 */
export async function actingRegistrar(
  deps: ServiceDeps,
  actor: Actor,
): Promise<Organisation & { kind: 'partner' | 'oem' }> {
  const org =
    actor.kind === 'operator'
      ? undefined
      : await deps.store.repos.organisations.findById(actor.orgId);
  if (!org || !isRegistrar(org.kind)) {
    throw new PreflightError(
      'access.denied',
      'This page is for partners and OEMs.',
      {},
      'Switch to a partner or OEM organisation you belong to.',
    );
  }
  return org as Organisation & { kind: 'partner' | 'oem' };
}
