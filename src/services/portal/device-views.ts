/**
 * Devices as the portal lists them: one page at a time with its total, each device with
 * its profile's name and the partner or OEM that registered it.
 * @module
 */
import type { Actor } from '../../domain/actor.js';
import type { Device, ProfileAssignmentStatus } from '../../domain/device.js';
import { PreflightError } from '../../domain/errors.js';
import { isRegistrar } from '../../domain/organisation.js';
import type { DeviceCondition, DeviceFilter } from '../../store/device.repo.js';
import type { ServiceDeps } from '../deps.js';
import { countDevices, deregisterDevice, listDevices } from '../devices.js';
import { orgRefsOf } from './relationship-views.js';
import type { DeviceInfo, OrgRef, Page } from './contract.js';

/** The portal's device filters (`DeviceQuery`), paging already defaulted. */
export interface DevicePageQuery {
  /** Part of the serial number, any letter case. */
  readonly serial?: string | undefined;
  /** The group tag, exactly. */
  readonly tag?: string | undefined;
  readonly status?: ProfileAssignmentStatus | undefined;
  readonly offset: number;
  readonly limit: number;
}

/**
 * One page of the devices `actor` may see, in registration order: for a customer, all of
 * its own (the Devices page).
 */
export async function devicePage(
  deps: ServiceDeps,
  actor: Actor,
  query: DevicePageQuery,
): Promise<Page<DeviceInfo>> {
  const serial = query.serial?.trim();
  const conditions: DeviceCondition[] = serial
    ? [{ field: 'serialNumber', op: 'contains', value: serial }]
    : [];
  const filter: DeviceFilter = {
    conditions,
    ...(query.tag !== undefined && query.tag !== '' ? { groupTag: query.tag } : {}),
    ...(query.status !== undefined ? { profileStatus: query.status } : {}),
  };
  const devices = await listDevices(deps, actor, {
    ...filter,
    offset: query.offset,
    limit: query.limit,
  });
  const total = await countDevices(deps, actor, filter);
  return {
    items: await deviceInfos(deps, devices),
    total,
    offset: query.offset,
    limit: query.limit,
  };
}

/** Devices with their profile names and registrars, read once per customer and organisation. */
export async function deviceInfos(
  deps: ServiceDeps,
  devices: readonly Device[],
): Promise<DeviceInfo[]> {
  const profileNames = new Map<string, string>();
  for (const customerOrgId of new Set(devices.map((d) => d.customerOrgId))) {
    for (const profile of await deps.store.repos.profiles.listProfiles(customerOrgId)) {
      profileNames.set(profile.id, profile.display_name);
    }
  }
  const registrars = await orgRefsOf(
    deps,
    devices.map((d) => d.registeredByOrgId),
  );
  const registrarOf = (d: Device): OrgRef => {
    const found = registrars.get(d.registeredByOrgId);
    if (!found) {
      throw new Error(`Device ${d.id} refers to a missing organisation.`);
    }
    return found;
  };
  return devices.map((d) => {
    const profileName = d.profileId === null ? undefined : profileNames.get(d.profileId);
    return {
      id: d.id,
      serialNumber: d.serialNumber,
      manufacturer: d.manufacturer,
      model: d.model,
      productKeyId: d.productKeyId,
      hashDigest: d.hashDigest,
      groupTag: d.groupTag,
      purchaseOrderId: d.purchaseOrderId,
      assignedUser: d.assignedUser,
      profile:
        d.profileId !== null && profileName !== undefined
          ? { id: d.profileId, displayName: profileName }
          : null,
      profileStatus: d.profileStatus,
      registeredBy: registrarOf(d),
      registeredAt: d.registeredAt,
      batchId: d.batchId,
    };
  });
}

/**
 * Deregisters a device from the portal, where the path names only the device: a customer
 * deregisters its own; a partner or OEM one it registered, while its relationship with
 * that device's customer grants deregister_devices. Any other device is not found.
 */
export async function deregisterFromPortal(
  deps: ServiceDeps,
  actor: Actor,
  deviceId: string,
): Promise<void> {
  if (actor.kind !== 'operator') {
    const own = await deps.store.repos.organisations.findById(actor.orgId);
    if (own && isRegistrar(own.kind)) {
      const registered = await deps.store.repos.devices.find({ registrarOrgId: own.id }, deviceId);
      if (!registered) {
        throw new PreflightError('device.not_found', `No device ${deviceId} is visible to you.`, {
          id: deviceId,
        });
      }
      await deregisterDevice(deps, actor, deviceId, registered.customerOrgId);
      return;
    }
  }
  await deregisterDevice(deps, actor, deviceId);
}
