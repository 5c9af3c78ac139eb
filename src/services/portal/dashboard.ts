/**
 * The customer's dashboard: its devices by profile status and by profile, registrations
 * over the last 30 days, and how many partners and OEMs it works with. Every figure is
 * an aggregate query, so a customer with a million devices loads as fast as one with ten.
 * @module
 */
import type { Actor } from '../../domain/actor.js';
import type { ProfileAssignmentStatus } from '../../domain/device.js';
import { PreflightError } from '../../domain/errors.js';
import type { ServiceDeps } from '../deps.js';
import type { Dashboard } from './contract.js';

/** Every status, in the order a chart shows them; statuses without devices count 0. */
const statusOrder: readonly ProfileAssignmentStatus[] = [
  'assignedInSync',
  'assignedOutOfSync',
  'pending',
  'notAssigned',
  'failed',
];

/** How many days `registrationsPerDay` covers, today (UTC) included. */
export const dashboardDays = 30;

const dayMs = 86_400_000;

/** The dashboard of the customer `actor` acts for, as of the service clock. */
export async function customerDashboard(deps: ServiceDeps, actor: Actor): Promise<Dashboard> {
  const own =
    actor.kind === 'operator'
      ? undefined
      : await deps.store.repos.organisations.findById(actor.orgId);
  if (own?.kind !== 'customer') {
    throw new PreflightError('access.denied', 'The dashboard shows a customer’s own devices.');
  }
  const repo = deps.store.repos.dashboard;
  const byStatusFound = new Map(
    (await repo.devicesByStatus(own.id)).map((r) => [r.status, r.devices]),
  );
  const byStatus = statusOrder.map((status) => ({
    status,
    devices: byStatusFound.get(status) ?? 0,
  }));
  const byProfile = (await repo.devicesByProfile(own.id))
    .map((r) => ({ profile: r.profileId === null ? null : r.displayName, devices: r.devices }))
    // Largest first; on a tie, named profiles before the devices without one.
    .sort(
      (a, b) =>
        b.devices - a.devices ||
        Number(a.profile === null) - Number(b.profile === null) ||
        (a.profile ?? '').localeCompare(b.profile ?? ''),
    );

  const now = deps.clock.now();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const first = today - (dashboardDays - 1) * dayMs;
  const perDay = new Map(
    (
      await repo.registrationsPerDay(
        own.id,
        new Date(first).toISOString(),
        new Date(today + dayMs).toISOString(),
      )
    ).map((r) => [r.day, r.devices]),
  );
  const registrationsPerDay = Array.from({ length: dashboardDays }, (_, i) => {
    const day = new Date(first + i * dayMs).toISOString().slice(0, 10);
    return { day, devices: perDay.get(day) ?? 0 };
  });

  return {
    devices: byStatus.reduce((sum, s) => sum + s.devices, 0),
    byStatus,
    byProfile,
    registrationsPerDay,
    partners: await repo.activeRegistrars(own.id),
  };
}
