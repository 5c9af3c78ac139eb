import { expect, it } from 'vitest';
import { forEachDialect } from '../../../test/kit/databases.js';
import { syntheticDevice } from '../../../test/kit/devices.js';
import { consentedPair, register } from '../../../test/kit/registration.js';
import { buildDeps } from '../../../test/kit/services.js';
import { operator } from '../../domain/actor.js';
import { PreflightError } from '../../domain/errors.js';
import { managedDesktopGroupTag } from '../../domain/deployment-profile.js';
import { createOrganisation } from '../organisations.js';
import { inviteCustomer } from '../relationships.js';
import { customerDashboard } from './dashboard.js';

forEachDialect('customer dashboard', (database) => {
  it('counts devices by status, by profile and per UTC day of the last 30, and active partners', async () => {
    const { deps, clock } = buildDeps(database());
    const { customer, partnerAgent, customerAdmin } = await consentedPair(deps, {
      partner: 'Fabrikam Resellers',
      customer: 'Contoso',
    });
    const tagged = { groupTag: managedDesktopGroupTag };

    // Before the window: counted in the totals, not per day.
    clock.set('2025-12-01T10:00:00.000Z');
    await register(
      deps,
      partnerAgent,
      customer,
      [1, 2].map((n) => syntheticDevice(n)),
      tagged,
    );
    // Late on New Year's Day in UTC.
    clock.set('2026-01-01T23:30:00.000Z');
    await register(
      deps,
      partnerAgent,
      customer,
      [3, 4, 5].map((n) => syntheticDevice(n)),
    );
    clock.set('2026-01-15T00:10:00.000Z');
    await register(deps, partnerAgent, customer, [syntheticDevice(6)], tagged);

    // Another customer's devices and a pending invitation change nothing here.
    const other = await consentedPair(deps, { partner: 'Other Partner', customer: 'Northwind' });
    await register(
      deps,
      other.partnerAgent,
      other.customer,
      [7, 8].map((n) => syntheticDevice(n)),
    );
    const pending = await createOrganisation(deps, operator, {
      kind: 'partner',
      displayName: 'Pending Partner',
    });
    await inviteCustomer(deps, operator, { from: pending.id, to: customer.id });

    clock.set('2026-01-15T18:00:00.000Z');
    const dashboard = await customerDashboard(deps, customerAdmin);

    expect(dashboard.devices).toBe(6);
    expect(dashboard.byStatus).toEqual([
      { status: 'assignedInSync', devices: 3 },
      { status: 'assignedOutOfSync', devices: 0 },
      { status: 'pending', devices: 0 },
      { status: 'notAssigned', devices: 3 },
      { status: 'failed', devices: 0 },
    ]);
    expect(dashboard.byProfile).toEqual([
      { profile: 'Microsoft Managed Desktop', devices: 3 },
      { profile: null, devices: 3 },
    ]);
    expect(dashboard.registrationsPerDay).toHaveLength(30);
    expect(dashboard.registrationsPerDay[0]).toEqual({ day: '2025-12-17', devices: 0 });
    expect(dashboard.registrationsPerDay.at(-1)).toEqual({ day: '2026-01-15', devices: 1 });
    expect(dashboard.registrationsPerDay.filter((d) => d.devices > 0)).toEqual([
      { day: '2026-01-01', devices: 3 },
      { day: '2026-01-15', devices: 1 },
    ]);
    expect(dashboard.partners).toBe(1);
  });

  it('moves the 30-day window with the clock', async () => {
    const { deps, clock } = buildDeps(database());
    const { customer, partnerAgent, customerAdmin } = await consentedPair(deps, {
      partner: 'Fabrikam Resellers',
      customer: 'Contoso',
    });
    clock.set('2026-01-01T12:00:00.000Z');
    await register(deps, partnerAgent, customer, [syntheticDevice(1)]);

    clock.set('2026-01-30T23:59:59.000Z');
    const lastDay = await customerDashboard(deps, customerAdmin);
    expect(lastDay.registrationsPerDay[0]).toEqual({ day: '2026-01-01', devices: 1 });

    clock.set('2026-01-31T00:00:00.000Z');
    const dayAfter = await customerDashboard(deps, customerAdmin);
    expect(dayAfter.registrationsPerDay[0]).toEqual({ day: '2026-01-02', devices: 0 });
    expect(dayAfter.registrationsPerDay.every((d) => d.devices === 0)).toBe(true);
    expect(dayAfter.devices).toBe(1);
  });

  it('is for customers only', async () => {
    const { deps } = buildDeps(database());
    const { partnerAgent } = await consentedPair(deps, {
      partner: 'Fabrikam Resellers',
      customer: 'Contoso',
    });
    await expect(customerDashboard(deps, partnerAgent)).rejects.toSatisfy(
      (e) => e instanceof PreflightError && e.code === 'access.denied',
    );
  });
});
