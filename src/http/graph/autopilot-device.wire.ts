/**
 * Graph's `windowsAutopilotDeviceIdentity` (API-FACTS §2.3) for our registered devices.
 * v1.0 gets the v1.0 properties; beta adds the profile-assignment properties and the
 * Surface Hub / remediation ones, as Microsoft documents them per version.
 * @module
 */
import { Type } from '@sinclair/typebox';
import type { Device, ProfileAssignmentStatus } from '../../domain/device.js';
import type { GraphVersion } from './profile.wire.js';

/** The Graph type name. */
export const autopilotDeviceType = 'microsoft.graph.windowsAutopilotDeviceIdentity';

/** Graph's "no date" for date properties that have no value (what Intune returns). */
export const noDate = '0001-01-01T00:00:00Z';

/** Graph's all-zero GUID for `managedDeviceId` of a device not enrolled in Intune. */
const noGuid = '00000000-0000-0000-0000-000000000000';

const v1Properties = [
  'id',
  'groupTag',
  'purchaseOrderIdentifier',
  'serialNumber',
  'productKey',
  'manufacturer',
  'model',
  'enrollmentState',
  'lastContactedDateTime',
  'addressableUserName',
  'userPrincipalName',
  'resourceName',
  'skuNumber',
  'systemFamily',
  'azureActiveDirectoryDeviceId',
  'managedDeviceId',
  'displayName',
] as const;

const betaProperties = [
  ...v1Properties,
  'deploymentProfileAssignmentStatus',
  'deploymentProfileAssignmentDetailedStatus',
  'deploymentProfileAssignedDateTime',
  'azureAdDeviceId',
  'deviceAccountUpn',
  'deviceAccountPassword',
  'deviceFriendlyName',
  'remediationState',
  'remediationStateLastModifiedDateTime',
  'userlessEnrollmentStatus',
] as const;

/** The properties of the type in `version`, for `$select`. */
export function autopilotDeviceProperties(version: GraphVersion): readonly string[] {
  return version === 'beta' ? betaProperties : v1Properties;
}

/** The navigation properties `$expand` may name (beta only). */
export const autopilotDeviceExpansions = [
  'deploymentProfile',
  'intendedDeploymentProfile',
] as const;

/**
 * Our profile status as `windowsAutopilotProfileAssignmentStatus`. The names are Graph's
 * already; the table pins the mapping so a change on either side is a compile error.
 */
const assignmentStatus: Record<ProfileAssignmentStatus, string> = {
  notAssigned: 'notAssigned',
  pending: 'pending',
  assignedInSync: 'assignedInSync',
  assignedOutOfSync: 'assignedOutOfSync',
  failed: 'failed',
};

/**
 * A device as Graph JSON. Properties we do not keep get Graph's values for a device that
 * is registered but has never enrolled: `enrollmentState` notContacted, no last contact,
 * empty names, the zero GUID for the managed device. `azureActiveDirectoryDeviceId` is
 * null: Preflight creates no Entra device object.
 */
export function toGraphAutopilotIdentity(
  device: Device,
  version: GraphVersion,
): Record<string, unknown> {
  const v1: Record<(typeof v1Properties)[number], unknown> = {
    id: device.id,
    groupTag: device.groupTag ?? '',
    purchaseOrderIdentifier: device.purchaseOrderId ?? '',
    serialNumber: device.serialNumber ?? '',
    productKey: device.productKeyId ?? '',
    manufacturer: device.manufacturer ?? '',
    model: device.model ?? '',
    enrollmentState: 'notContacted',
    lastContactedDateTime: noDate,
    addressableUserName: '',
    userPrincipalName: device.assignedUser ?? '',
    resourceName: '',
    skuNumber: '',
    systemFamily: '',
    azureActiveDirectoryDeviceId: null,
    managedDeviceId: noGuid,
    displayName: device.displayName ?? '',
  };
  const entity = { '@odata.type': `#${autopilotDeviceType}`, ...v1 };
  if (version === 'v1.0') {
    return entity;
  }
  return {
    ...entity,
    deploymentProfileAssignmentStatus: assignmentStatus[device.profileStatus],
    deploymentProfileAssignmentDetailedStatus: 'none',
    deploymentProfileAssignedDateTime: device.profileAssignedAt ?? noDate,
    azureAdDeviceId: null,
    deviceAccountUpn: '',
    deviceAccountPassword: null,
    deviceFriendlyName: '',
    remediationState: 'unknown',
    remediationStateLastModifiedDateTime: noDate,
    userlessEnrollmentStatus: 'unknown',
  };
}

const str = () => Type.Optional(Type.String());
const nullableStr = () => Type.Optional(Type.Union([Type.Null(), Type.String()]));

/** The response schema of one device (every property optional: `$select` drops some). */
export const autopilotDeviceResponse = Type.Object(
  {
    '@odata.context': str(),
    '@odata.type': str(),
    id: str(),
    groupTag: str(),
    purchaseOrderIdentifier: str(),
    serialNumber: str(),
    productKey: str(),
    manufacturer: str(),
    model: str(),
    enrollmentState: str(),
    lastContactedDateTime: str(),
    addressableUserName: str(),
    userPrincipalName: str(),
    resourceName: str(),
    skuNumber: str(),
    systemFamily: str(),
    azureActiveDirectoryDeviceId: nullableStr(),
    managedDeviceId: str(),
    displayName: str(),
    deploymentProfileAssignmentStatus: Type.Optional(
      Type.String({
        description: 'beta: notAssigned, pending, assignedInSync, assignedOutOfSync or failed.',
      }),
    ),
    deploymentProfileAssignmentDetailedStatus: str(),
    deploymentProfileAssignedDateTime: str(),
    azureAdDeviceId: nullableStr(),
    deviceAccountUpn: str(),
    deviceAccountPassword: nullableStr(),
    deviceFriendlyName: str(),
    remediationState: str(),
    remediationStateLastModifiedDateTime: str(),
    userlessEnrollmentStatus: str(),
    deploymentProfile: Type.Optional(
      Type.Union([Type.Null(), Type.Object({}, { additionalProperties: true })]),
    ),
    intendedDeploymentProfile: Type.Optional(
      Type.Union([Type.Null(), Type.Object({}, { additionalProperties: true })]),
    ),
  },
  { additionalProperties: true },
);
