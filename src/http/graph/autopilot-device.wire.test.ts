import { describe, expect, it } from 'vitest';
import type { Device } from '../../domain/device.js';
import {
  autopilotDeviceProperties,
  noDate,
  toGraphAutopilotIdentity,
} from './autopilot-device.wire.js';

const device: Device = {
  id: 'd1',
  customerOrgId: 'c',
  hashDigest: 'h',
  productKeyId: null,
  serialNumber: 'SN1',
  manufacturer: 'Contoso',
  model: 'Laptop 7',
  groupTag: 'Sales',
  purchaseOrderId: null,
  assignedUser: null,
  displayName: null,
  registeredByOrgId: 'p',
  registeredBy: 'client:x',
  registeredAt: '2026-01-15T09:00:00.000Z',
  batchId: 'b',
  profileId: 'p1',
  profileStatus: 'assignedInSync',
  profileAssignedAt: '2026-01-15T09:00:00.000Z',
};

describe(toGraphAutopilotIdentity.name, () => {
  it('writes exactly the v1.0 properties on v1.0', () => {
    const v1 = toGraphAutopilotIdentity(device, 'v1.0');
    expect(
      Object.keys(v1)
        .filter((k) => k !== '@odata.type')
        .sort(),
    ).toEqual([...autopilotDeviceProperties('v1.0')].sort());
    expect(v1).toMatchObject({
      serialNumber: 'SN1',
      manufacturer: 'Contoso',
      groupTag: 'Sales',
      purchaseOrderIdentifier: '',
      userPrincipalName: '',
      enrollmentState: 'notContacted',
      lastContactedDateTime: noDate,
    });
  });

  it('adds the assignment properties on beta', () => {
    const beta = toGraphAutopilotIdentity(device, 'beta');
    expect(
      Object.keys(beta)
        .filter((k) => k !== '@odata.type')
        .sort(),
    ).toEqual([...autopilotDeviceProperties('beta')].sort());
    expect(beta).toMatchObject({
      deploymentProfileAssignmentStatus: 'assignedInSync',
      deploymentProfileAssignedDateTime: '2026-01-15T09:00:00.000Z',
    });
    expect(
      toGraphAutopilotIdentity(
        { ...device, profileId: null, profileStatus: 'notAssigned', profileAssignedAt: null },
        'beta',
      ),
    ).toMatchObject({
      deploymentProfileAssignmentStatus: 'notAssigned',
      deploymentProfileAssignedDateTime: noDate,
    });
  });
});
