/**
 * Graph's `updateDeviceProperties`, `assignUserToDevice` and `unassignUserFromDevice`
 * (API-FACTS §2.3): the portal-editable attributes of a registered device — group tag,
 * assigned user, device name.
 * @module
 */
import type { Actor } from '../../domain/actor.js';
import type { Device } from '../../domain/device.js';
import { checkDeviceNameTemplate } from '../../domain/device-name-template.js';
import { PreflightError } from '../../domain/errors.js';
import { checkUserPrincipalName } from '../../domain/user-principal-name.js';
import { recordAudit } from '../audit.js';
import type { ServiceDeps } from '../deps.js';
import { findDevices, setGroupTag } from '../devices.js';

/** What a caller may change; `undefined` leaves a property as it is, `null` or "" clears it. */
export interface DevicePropertyChanges {
  readonly groupTag?: string | null;
  readonly userPrincipalName?: string | null;
  readonly displayName?: string | null;
  /** Intune's greeting name at sign-in; Preflight keeps none, so only clearing it is accepted. */
  readonly addressableUserName?: string | null;
}

/** The value trimmed, null when empty; refuses anything but text, naming the field. */
function blank(value: unknown, field: string): string | null | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (value !== null && typeof value !== 'string') {
    throw new PreflightError(
      'input.invalid',
      `${field} must be a string or null, not ${Array.isArray(value) ? 'an array' : typeof value}.`,
      { field },
    );
  }
  return value === null || value.trim() === '' ? null : value.trim();
}

/** Checks the changes before anything is written, so a refused request changes nothing. */
function checkChanges(changes: DevicePropertyChanges): {
  userPrincipalName: string | null | undefined;
  displayName: string | null | undefined;
} {
  const userPrincipalName = blank(changes.userPrincipalName, 'userPrincipalName');
  if (userPrincipalName) {
    const problem = checkUserPrincipalName(userPrincipalName);
    if (problem) {
      throw new PreflightError(
        'input.invalid',
        `userPrincipalName "${userPrincipalName}" is not a user principal name (${problem.kind}).`,
        { field: 'userPrincipalName' },
        'Give the user as name@domain, or an empty string to remove the user.',
      );
    }
  }
  const displayName = blank(changes.displayName, 'displayName');
  if (displayName) {
    if (displayName.includes('%')) {
      throw new PreflightError(
        'input.invalid',
        `displayName "${displayName}" contains "%": a device name is applied as given, without placeholders.`,
        { field: 'displayName' },
        'Use %SERIAL% and %RAND:x% in the deviceNameTemplate of a deployment profile instead.',
      );
    }
    checkDeviceNameTemplate(displayName, 'displayName');
  }
  if (blank(changes.addressableUserName, 'addressableUserName')) {
    throw new PreflightError(
      'input.invalid',
      'Preflight does not keep addressableUserName (the greeting name Intune shows at sign-in).',
      { field: 'addressableUserName' },
      'Leave addressableUserName out, or send an empty string; set it in Intune if you need it.',
    );
  }
  return { userPrincipalName, displayName };
}

/**
 * Changes properties of one device of `customer`. The group tag goes through
 * `setGroupTag`, which re-evaluates the device's profile at once; the user and name are
 * written after it, in their own transaction with their audit event.
 */
export async function updateDeviceProperties(
  deps: ServiceDeps,
  actor: Actor,
  input: { customer: string; id: string; changes: DevicePropertyChanges },
): Promise<Device> {
  if (actor.kind !== 'operator') {
    const roles = actor.kind === 'user' ? [actor.role] : actor.roles;
    if (!roles.some((r) => r === 'admin' || r === 'agent')) {
      throw new PreflightError('access.denied', 'Changing devices needs the admin or agent role.');
    }
  }
  const { userPrincipalName, displayName } = checkChanges(input.changes);
  const device = (await findDevices(deps, actor, input.id, input.customer)).find(
    (d) => d.id === input.id,
  );
  if (!device) {
    throw new PreflightError('device.not_found', `No device ${input.id} is visible to you.`, {
      id: input.id,
    });
  }
  let current = device;
  if (input.changes.groupTag !== undefined) {
    const tag = blank(input.changes.groupTag, 'groupTag') === null ? null : input.changes.groupTag;
    if (tag !== device.groupTag) {
      [current] = (await setGroupTag(deps, actor, {
        ids: [device.id],
        groupTag: tag,
        customer: input.customer,
      })) as [Device];
    }
  }
  const changes = {
    ...(userPrincipalName !== undefined && userPrincipalName !== device.assignedUser
      ? { assignedUser: userPrincipalName }
      : {}),
    ...(displayName !== undefined && displayName !== device.displayName ? { displayName } : {}),
  };
  if (Object.keys(changes).length === 0) {
    return current;
  }
  const now = deps.clock.now();
  return deps.store.transaction(async (repos) => {
    if (!(await repos.devices.setProperties(device.customerOrgId, device.id, changes))) {
      throw new PreflightError('device.not_found', `No device ${input.id} is visible to you.`, {
        id: input.id,
      });
    }
    await recordAudit(repos, actor, now, {
      action: 'device.updated',
      subjectType: 'device',
      subjectId: device.id,
      counterpartOrgId: device.customerOrgId,
      before: {
        ...('assignedUser' in changes ? { assignedUser: device.assignedUser } : {}),
        ...('displayName' in changes ? { displayName: device.displayName } : {}),
      },
      after: changes,
    });
    return (await repos.devices.find({ customerOrgId: device.customerOrgId }, device.id))!;
  });
}
