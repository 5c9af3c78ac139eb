import { describe, expect, it } from 'vitest';
import { syntheticDevice } from '../../../test/kit/devices.js';
import { refusal } from '../../../test/kit/refusal.js';
import type { ImportedIdentityRecord } from '../../services/graph/imports.js';
import {
  fromGraphImportedIdentity,
  importState,
  toGraphImportedIdentity,
  unknownReferenceErrorCode,
} from './imported-identity.wire.js';

const hash = syntheticDevice(1).hardwareHash!;

const record = (over: Partial<ImportedIdentityRecord> = {}): ImportedIdentityRecord => ({
  id: 'r1',
  customerOrgId: 'c',
  registrarOrgId: 'c',
  batchId: 'b1',
  rowIndex: 0,
  createdAt: '2026-01-15T09:00:00.000Z',
  serialNumber: 'SN1',
  productKeyId: null,
  groupTag: null,
  assignedUser: null,
  hardwareHash: hash,
  status: null,
  deviceId: null,
  code: null,
  referenceCode: null,
  referenceName: null,
  message: null,
  remedy: null,
  ...over,
});

describe(fromGraphImportedIdentity.name, () => {
  it('reads what Microsoft scripts send, ignoring the client-side state', () => {
    expect(
      fromGraphImportedIdentity(
        {
          '@odata.type': '#microsoft.graph.importedWindowsAutopilotDeviceIdentity',
          groupTag: 'Sales',
          serialNumber: 'SN1',
          productKey: '',
          hardwareIdentifier: ` ${hash} `,
          assignedUserPrincipalName: 'ana@contoso.example',
          state: { deviceImportStatus: 'pending', deviceErrorCode: 0 },
          id: '',
          importId: '',
        },
        '',
      ),
    ).toEqual({
      serialNumber: 'SN1',
      productKeyId: '',
      hardwareHash: hash,
      groupTag: 'Sales',
      assignedUser: 'ana@contoso.example',
    });
  });

  it('reads the early beta name orderIdentifier as the group tag', () => {
    expect(fromGraphImportedIdentity({ orderIdentifier: 'Sales' }, '').groupTag).toBe('Sales');
    expect(
      refusal(() => fromGraphImportedIdentity({ groupTag: 'A', orderIdentifier: 'B' }, 'x[0]'))
        .details.field,
    ).toBe('x[0].groupTag');
  });

  it('refuses a hash that is not base64 as Graph does, then says where and why', () => {
    const error = refusal(() =>
      fromGraphImportedIdentity({ hardwareIdentifier: 'T0Ej AAAA' }, 'devices[4]'),
    );
    expect(error.message).toMatch(
      /^Cannot convert the literal 'T0Ej AAAA' to the expected type 'Edm\.Binary'\. devices\[4\]\.hardwareIdentifier: /,
    );
    expect(error.details).toMatchObject({ field: 'devices[4].hardwareIdentifier', position: 4 });
    const long = refusal(() =>
      fromGraphImportedIdentity({ hardwareIdentifier: `${'A'.repeat(30)}*` }, ''),
    );
    expect(long.message).toContain(`'${'A'.repeat(20)}…'`);
  });

  it('accepts unpadded base64 (devices emit it); the engine repads it', () => {
    const unpadded = hash.replace(/=+$/, '');
    expect(fromGraphImportedIdentity({ hardwareIdentifier: unpadded }, '').hardwareHash).toBe(
      unpadded,
    );
  });

  it('refuses unknown properties and another @odata.type by name', () => {
    expect(refusal(() => fromGraphImportedIdentity({ colour: 'x' }, '')).message).toBe(
      "The property 'colour' does not exist on type 'microsoft.graph.importedWindowsAutopilotDeviceIdentity'. Make sure to only use property names that are defined by the type.",
    );
    expect(fromGraphImportedIdentity({ colour: null }, '')).toMatchObject({ serialNumber: null });
    expect(
      refusal(() =>
        fromGraphImportedIdentity(
          { '@odata.type': '#microsoft.graph.windowsAutopilotDeviceIdentity' },
          '',
        ),
      ).details.field,
    ).toBe('@odata.type');
    expect(refusal(() => fromGraphImportedIdentity([], 'd[0]')).details.field).toBe('d[0]');
  });
});

describe(importState.name, () => {
  it('reads unknown while the row waits', () => {
    expect(importState(record())).toMatchObject({
      deviceImportStatus: 'unknown',
      deviceRegistrationId: '',
      deviceErrorCode: 0,
      deviceErrorName: '',
    });
  });

  it('reads complete with the device id', () => {
    expect(importState(record({ status: 'registered', deviceId: 'd1' }))).toMatchObject({
      deviceImportStatus: 'complete',
      deviceRegistrationId: 'd1',
      deviceErrorCode: 0,
    });
  });

  it('reads error with the reference number and name, or the fallback code', () => {
    const refused = {
      status: 'failed' as const,
      code: 'device.registered_to_other_customer',
      referenceCode: '808',
      referenceName: 'ZtdDeviceAssignedToOtherTenant',
      message: 'm',
      remedy: 'r',
    };
    expect(importState(record(refused))).toMatchObject({
      deviceImportStatus: 'error',
      deviceErrorCode: 808,
      deviceErrorName: 'ZtdDeviceAssignedToOtherTenant',
      preflightError: { code: 'device.registered_to_other_customer', message: 'm', remedy: 'r' },
    });
    expect(
      importState(
        record({
          ...refused,
          code: 'relationship.no_consent',
          referenceCode: null,
          referenceName: null,
        }),
      ),
    ).toMatchObject({
      deviceErrorCode: unknownReferenceErrorCode,
      deviceErrorName: 'relationship.no_consent',
    });
  });
});

describe(toGraphImportedIdentity.name, () => {
  it('writes every documented property, empty strings for absent text', () => {
    expect(toGraphImportedIdentity(record())).toMatchObject({
      '@odata.type': '#microsoft.graph.importedWindowsAutopilotDeviceIdentity',
      id: 'r1',
      groupTag: '',
      serialNumber: 'SN1',
      productKey: '',
      importId: 'b1',
      hardwareIdentifier: hash,
      assignedUserPrincipalName: '',
    });
  });
});
