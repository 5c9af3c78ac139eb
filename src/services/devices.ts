import type { Actor } from '../domain/actor.js';
import type { Device } from '../domain/device.js';
import { PreflightError } from '../domain/errors.js';
import { checkGroupTag } from '../domain/group-tag.js';
import type { DeviceFilter, DeviceScope } from '../store/device.repo.js';
import { recordAudit } from './audit.js';
import type { ServiceDeps } from './deps.js';
import { resolveOrganisation } from './organisations.js';
import { requireConsent } from './registration/consent.js';
import { reassignDevices } from './registration/reassign.js';

/**
 * The devices `actor` may see for a customer: a customer sees all of its own; a partner
 * or OEM sees those it registered, while its relationship grants read_devices; the
 * operator sees all (naming the customer).
 */
async function scopeFor(
  deps: ServiceDeps,
  actor: Actor,
  customerRef: string | undefined,
  permission: 'read_devices' | 'deregister_devices',
): Promise<DeviceScope> {
  if (actor.kind === 'operator') {
    return customerRef
      ? { customerOrgId: (await resolveOrganisation(deps, customerRef)).id }
      : { operator: true };
  }
  const own = await deps.store.repos.organisations.findById(actor.orgId);
  if (own?.kind === 'customer') {
    if (customerRef && (await resolveOrganisation(deps, customerRef)).id !== own.id) {
      throw new PreflightError('org.not_found', `No organisation matches "${customerRef}".`, {
        ref: customerRef,
      });
    }
    return { customerOrgId: own.id };
  }
  if (!own || !customerRef) {
    throw new PreflightError('input.invalid', 'Name the customer whose devices you mean.', {
      field: 'customer',
    });
  }
  const customer = await resolveOrganisation(deps, customerRef);
  await requireConsent(deps.store.repos, own, customer, permission, deps.clock.now());
  return { registrarOrgId: own.id, customerOrgId: customer.id };
}

/**
 * Lists devices visible to `actor`, with filters and paging: `conditions` (a parsed
 * `$filter`) must all hold; `after` pages by id (keyset), `offset`/`limit` by position.
 * Without `after` or `order: 'id'` the devices come in registration order.
 */
export async function listDevices(
  deps: ServiceDeps,
  actor: Actor,
  input: { customer?: string } & DeviceFilter,
): Promise<Device[]> {
  const { customer, ...filter } = input;
  return deps.store.repos.devices.list(
    await scopeFor(deps, actor, customer, 'read_devices'),
    filter,
  );
}

/** How many devices visible to `actor` pass the filter (for `@odata.count`); paging is ignored. */
export async function countDevices(
  deps: ServiceDeps,
  actor: Actor,
  input: { customer?: string } & DeviceFilter,
): Promise<number> {
  const { customer, ...filter } = input;
  return deps.store.repos.devices.count(
    await scopeFor(deps, actor, customer, 'read_devices'),
    filter,
  );
}

/** Finds devices by id, exact serial number or hash digest. */
export async function findDevices(
  deps: ServiceDeps,
  actor: Actor,
  identifier: string,
  customer?: string,
): Promise<Device[]> {
  const found = await deps.store.repos.devices.findByIdentifier(
    await scopeFor(deps, actor, customer, 'read_devices'),
    identifier.trim(),
  );
  if (found.length === 0) {
    throw new PreflightError(
      'device.not_found',
      `No device visible to you matches "${identifier}".`,
      { identifier },
    );
  }
  return found;
}

/**
 * Deregisters a device: by its customer, or by the partner/OEM that registered it while
 * its relationship grants deregister_devices. The device can then be registered again,
 * by anyone with consent.
 */
export async function deregisterDevice(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
  customer?: string,
): Promise<Device> {
  const scope = await scopeFor(deps, actor, customer, 'deregister_devices');
  if (actor.kind === 'user' || actor.kind === 'client') {
    const roles = actor.kind === 'user' ? [actor.role] : actor.roles;
    if (!roles.some((r) => r === 'admin' || r === 'agent')) {
      throw new PreflightError(
        'access.denied',
        'Deregistering devices needs the admin or agent role.',
      );
    }
  }
  const now = deps.clock.now();
  return deps.store.transaction(async (repos) => {
    const device = await repos.devices.find(scope, id);
    if (!device || !(await repos.devices.delete(scope, id))) {
      throw new PreflightError('device.not_found', `No device ${id} is visible to you.`, { id });
    }
    await recordAudit(repos, actor, now, {
      action: 'device.deregistered',
      subjectType: 'device',
      subjectId: id,
      counterpartOrgId:
        actor.kind !== 'operator' && actor.orgId === device.customerOrgId
          ? device.registeredByOrgId
          : device.customerOrgId,
      before: device,
    });
    return device;
  });
}

/**
 * Changes the group tag of devices of one customer (the customer itself, or the
 * registrar for devices it registered) and re-evaluates their profiles at once.
 */
export async function setGroupTag(
  deps: ServiceDeps,
  actor: Actor,
  input: { ids: readonly string[]; groupTag: string | null; customer?: string },
): Promise<Device[]> {
  const scope = await scopeFor(deps, actor, input.customer, 'read_devices');
  const tag = input.groupTag === null || input.groupTag.trim() === '' ? null : input.groupTag;
  if (tag !== null) {
    const problems = checkGroupTag(tag).filter((p) => p !== 'surrounding_whitespace');
    if (problems.length) {
      throw new PreflightError(
        'input.invalid',
        `The group tag "${tag}" is not valid (${problems.join(', ')}).`,
        { field: 'groupTag' },
      );
    }
  }
  const now = deps.clock.now();
  return deps.store.transaction(async (repos) => {
    const updated: Device[] = [];
    const byCustomer = new Map<string, string[]>();
    for (const id of input.ids) {
      const device = await repos.devices.find(scope, id);
      if (!device) {
        throw new PreflightError('device.not_found', `No device ${id} is visible to you.`, { id });
      }
      await repos.devices.setGroupTag(device.customerOrgId, id, tag);
      byCustomer.set(device.customerOrgId, [...(byCustomer.get(device.customerOrgId) ?? []), id]);
      await recordAudit(repos, actor, now, {
        action: 'device.updated',
        subjectType: 'device',
        subjectId: id,
        counterpartOrgId: device.customerOrgId,
        before: { groupTag: device.groupTag },
        after: { groupTag: tag },
      });
    }
    for (const [customerOrgId, ids] of byCustomer) {
      await reassignDevices(repos, customerOrgId, now.toISOString(), ids);
    }
    for (const id of input.ids) {
      updated.push((await repos.devices.find(scope, id))!);
    }
    return updated;
  });
}
