/**
 * Batches in the portal, for either side: a partner or OEM sees the batches it
 * submitted, a customer those it received. Another organisation's batch is not found.
 * @module
 */
import type { Actor } from '../../domain/actor.js';
import { PreflightError } from '../../domain/errors.js';
import type { ServiceDeps } from '../deps.js';
import { toBatchView, type BatchRowView } from '../registration/batch-view.js';
import { getBatch, getBatchRows } from '../registration/register.js';
import { batchInfos, profileRefs, type Paging } from './views.js';
import type { BatchInfo, BatchRowInfo, Page, ProfileRef } from './contract.js';

/** Batches of the acting organisation, newest first, optionally for one customer. */
export async function listPortalBatches(
  deps: ServiceDeps,
  actor: Actor,
  query: Paging & { customerId?: string },
): Promise<Page<BatchInfo>> {
  const orgId = memberOrg(actor);
  const page = await deps.store.repos.portalViews.batches(orgId, {
    ...(query.customerId ? { customerOrgId: query.customerId } : {}),
    offset: query.offset,
    limit: query.limit,
  });
  const items = await batchInfos(deps, page.rows.map(toBatchView));
  return { items, total: page.total, offset: query.offset, limit: query.limit };
}

/** One batch of the acting organisation (either side). */
export async function getPortalBatch(
  deps: ServiceDeps,
  actor: Actor,
  batchId: string,
): Promise<BatchInfo> {
  const [info] = await batchInfos(deps, [await getBatch(deps, actor, batchId)]);
  return info!;
}

/** A page of a batch's rows with their outcomes and the profile each received. */
export async function getPortalBatchRows(
  deps: ServiceDeps,
  actor: Actor,
  batchId: string,
  query: Paging,
): Promise<Page<BatchRowInfo>> {
  const batch = await getBatch(deps, actor, batchId);
  const [rows, profiles] = await Promise.all([
    getBatchRows(deps, actor, batchId, { offset: query.offset, limit: query.limit }),
    profileRefs(deps.store.repos, batch.customerOrgId),
  ]);
  return {
    items: rows.map((row) => batchRowInfo(row, profiles)),
    total: batch.totalRows,
    offset: query.offset,
    limit: query.limit,
  };
}

export function batchRowInfo(
  row: BatchRowView,
  profiles: ReadonlyMap<string, ProfileRef>,
): BatchRowInfo {
  return {
    index: row.index,
    line: row.line,
    serialNumber: row.serialNumber,
    groupTag: row.groupTag,
    status: row.status,
    deviceId: row.deviceId,
    profile: (row.profileId && profiles.get(row.profileId)) || null,
    code: row.code,
    referenceCode: row.referenceCode,
    referenceName: row.referenceName,
    message: row.message,
    remedy: row.remedy,
    warnings: row.warnings.map((w) => ({ code: w.code, message: w.message, hint: w.hint })),
  };
}

function memberOrg(actor: Actor): string {
  if (actor.kind === 'operator') {
    throw new PreflightError(
      'access.denied',
      'Batches are listed per organisation.',
      {},
      'Act for one of your organisations.',
    );
  }
  return actor.orgId;
}
