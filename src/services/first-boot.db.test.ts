import { expect, it } from 'vitest';
import { forEachDialect } from '../../test/kit/databases.js';
import { syntheticDevice } from '../../test/kit/devices.js';
import { consentedPair, register } from '../../test/kit/registration.js';
import { buildDeps } from '../../test/kit/services.js';
import { PreflightError } from '../domain/errors.js';
import { buildHardwareHash } from '../domain/hardware-hash.js';
import { offlineProfileJson } from '../domain/offline-profile.js';
import { listDevices } from './devices.js';
import { lookupFirstBoot, type FirstBootInput } from './first-boot.js';
import { createProfile, createTagRule } from './profiles.js';

forEachDialect('first boot', (database) => {
  /** A consented pair (the customer has a tenant domain) and a profile selected by "Sales". */
  async function setUp() {
    const { deps, clock } = buildDeps(database());
    const pair = await consentedPair(deps, { partner: 'Fabrikam', customer: 'Contoso' });
    expect(pair.customer.domain).toBe('contoso.example');
    const profile = await createProfile(deps, pair.customerAdmin, {
      settings: { displayName: 'Sales laptops', deviceNameTemplate: 'SALES-%RAND:4%' },
    });
    await createTagRule(deps, pair.customerAdmin, { profile: profile.id, groupTag: 'Sales' });
    return { deps, clock, ...pair, profile };
  }

  async function refusal(promise: Promise<unknown>): Promise<PreflightError> {
    const error: unknown = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof PreflightError)) {
      throw new Error(`expected a PreflightError, got ${String(error)}`);
    }
    return error;
  }

  it("gives a registered device its profile's file, with the customer's tenant", async () => {
    const { deps, partnerAgent, customer, customerAdmin, profile } = await setUp();
    const device = syntheticDevice(1, { groupTag: 'Sales' });
    await register(deps, partnerAgent, customer, [device]);
    const [registered] = await listDevices(deps, customerAdmin, {});

    const answer = await lookupFirstBoot(deps, { hardwareHash: device.hardwareHash! });
    expect(answer).toEqual({
      found: true,
      deviceId: registered!.id,
      configuration: offlineProfileJson(profile, {
        id: customer.id,
        domain: 'contoso.example',
      }),
    });
    expect(answer.found && answer.configuration).toMatchObject({
      CloudAssignedTenantId: customer.id.toLowerCase(),
      CloudAssignedTenantDomain: 'contoso.example',
      ZtdCorrelationId: profile.id,
      CloudAssignedDeviceName: 'SALES-%RAND:4%',
      Comment_File: 'Profile Sales laptops',
    });
    // Surrounding whitespace is not part of the hash, as at registration.
    expect(await lookupFirstBoot(deps, { hardwareHash: ` ${device.hardwareHash!}\n` })).toEqual(
      answer,
    );
  });

  it('answers found: false for an unknown hash and for a device without a profile', async () => {
    const { deps, partnerAgent, customer, customerAdmin } = await setUp();
    await register(deps, partnerAgent, customer, [syntheticDevice(1, { groupTag: 'Nowhere' })]);
    const [registered] = await listDevices(deps, customerAdmin, {});
    expect(registered).toMatchObject({ serialNumber: 'SN00000001', profileId: null });
    expect(await lookupFirstBoot(deps, { hardwareHash: syntheticDevice(2).hardwareHash! })).toEqual(
      { found: false },
    );
    expect(await lookupFirstBoot(deps, { hardwareHash: syntheticDevice(1).hardwareHash! })).toEqual(
      { found: false },
    );
  });

  it('answers found: false when the customer has no tenant domain to write', async () => {
    const { deps } = buildDeps(database());
    const { partnerAgent, customer, customerAdmin } = await consentedPair(deps, {
      partner: 'Litware',
      customer: 'Northwind',
    });
    await database()
      .db.updateTable('organisations')
      .set({ domain: null })
      .where('id', '=', customer.id)
      .execute();
    const device = syntheticDevice(1, { groupTag: 'Microsoft365Managed_Autopilot' });
    await register(deps, partnerAgent, customer, [device]);
    const [registered] = await listDevices(deps, customerAdmin, {});
    expect(registered!.profileId).not.toBeNull();
    expect(await lookupFirstBoot(deps, { hardwareHash: device.hardwareHash! })).toEqual({
      found: false,
    });
  });

  it('finds a device by its exact tuple, case included', async () => {
    const { deps, partnerAgent, customer, profile } = await setUp();
    await register(deps, partnerAgent, customer, [
      { serialNumber: 'PF5NRH33', manufacturer: 'LENOVO', model: '20XW', groupTag: 'Sales' },
    ]);
    const tuple = { manufacturer: 'LENOVO', model: '20XW', serialNumber: 'PF5NRH33' };
    const found = await lookupFirstBoot(deps, tuple);
    expect(found.found && found.configuration.ZtdCorrelationId).toBe(profile.id);
    expect(await lookupFirstBoot(deps, { ...tuple, model: ' 20XW ' })).toEqual(found);
    expect(await lookupFirstBoot(deps, { ...tuple, manufacturer: 'Lenovo' })).toEqual({
      found: false,
    });
    expect(await lookupFirstBoot(deps, { ...tuple, serialNumber: 'pf5nrh33' })).toEqual({
      found: false,
    });
  });

  it('finds a device registered by hash through the tuple its hash carries', async () => {
    const { deps, partnerAgent, customer } = await setUp();
    await register(deps, partnerAgent, customer, [syntheticDevice(7, { groupTag: 'Sales' })]);
    const answer = await lookupFirstBoot(deps, {
      manufacturer: 'Contoso Devices',
      model: 'Laptop 7',
      serialNumber: 'SN00000007',
    });
    expect(answer.found).toBe(true);
  });

  it('finds a device an OEM registered by tuple or product key id when it boots with its hash', async () => {
    const { deps, partnerAgent, customer, profile } = await setUp();
    const byTuple = syntheticDevice(7);
    await register(deps, partnerAgent, customer, [
      {
        manufacturer: 'Contoso Devices',
        model: 'Laptop 7',
        serialNumber: byTuple.serialNumber,
        groupTag: 'Sales',
      },
    ]);
    const answer = await lookupFirstBoot(deps, { hardwareHash: byTuple.hardwareHash! });
    expect(answer.found && answer.configuration.ZtdCorrelationId).toBe(profile.id);

    const withKey = syntheticDevice(8, {
      hardwareHash: buildHardwareHash({
        serialNumber: 'SN00000008',
        manufacturer: 'Contoso Devices',
        model: 'Laptop 7',
        productKeyId: '3305016087943',
      }),
    });
    await register(deps, partnerAgent, customer, [
      { productKeyId: '3305016087943', groupTag: 'Sales' },
    ]);
    const byKey = await lookupFirstBoot(deps, { hardwareHash: withKey.hardwareHash! });
    expect(byKey.found && byKey.configuration.ZtdCorrelationId).toBe(profile.id);
  });

  it('uses the hash alone when a tuple is sent too', async () => {
    const { deps, partnerAgent, customer } = await setUp();
    const device = syntheticDevice(1, { groupTag: 'Sales' });
    await register(deps, partnerAgent, customer, [
      device,
      { serialNumber: 'T1', manufacturer: 'M', model: 'X', groupTag: 'Sales' },
    ]);
    const tuple = { manufacturer: 'M', model: 'X', serialNumber: 'T1' };
    expect((await lookupFirstBoot(deps, tuple)).found).toBe(true);
    expect(
      await lookupFirstBoot(deps, { ...tuple, hardwareHash: syntheticDevice(2).hardwareHash! }),
    ).toEqual({ found: false });
    expect(
      (
        await lookupFirstBoot(deps, {
          hardwareHash: device.hardwareHash!,
          manufacturer: 'nobody',
          model: 'nothing',
          serialNumber: 'none',
        })
      ).found,
    ).toBe(true);
  });

  it('refuses a hash that does not decode, naming hardwareHash', async () => {
    const { deps } = await setUp();
    const truncated = syntheticDevice(1).hardwareHash!.slice(0, 400);
    for (const hardwareHash of ['not a hash', truncated, 'AAAA']) {
      const error = await refusal(lookupFirstBoot(deps, { hardwareHash }));
      expect(error.code).toBe('input.invalid');
      expect(error.details.field).toBe('hardwareHash');
      expect(error.message).not.toContain(truncated.slice(0, 40));
    }
  });

  it('refuses a request without a hash or a whole tuple, naming the fields', async () => {
    const { deps } = await setUp();
    const cases: [FirstBootInput, string[]][] = [
      [{}, ['hardwareHash', 'manufacturer', 'model', 'serialNumber']],
      [
        { hardwareHash: '  ', serialNumber: '' },
        ['hardwareHash', 'manufacturer', 'model', 'serialNumber'],
      ],
      [{ manufacturer: 'LENOVO', serialNumber: 'PF5' }, ['model']],
      [{ model: 'X' }, ['manufacturer', 'serialNumber']],
    ];
    for (const [input, fields] of cases) {
      const error = await refusal(lookupFirstBoot(deps, input));
      expect(error.code).toBe('input.invalid');
      expect(error.details).toEqual({ field: fields[0], fields });
      for (const field of fields) {
        expect(error.message).toContain(field);
      }
    }
  });

  it('serves an edited profile at once, even when edited within the same millisecond', async () => {
    const { deps, clock, partnerAgent, customer, profile } = await setUp();
    const device = syntheticDevice(1, { groupTag: 'Sales' });
    await register(deps, partnerAgent, customer, [device]);
    const lookup = async () => {
      const answer = await lookupFirstBoot(deps, { hardwareHash: device.hardwareHash! });
      if (!answer.found) {
        throw new Error('expected the device to be found');
      }
      return answer.configuration;
    };
    expect((await lookup()).CloudAssignedDeviceName).toBe('SALES-%RAND:4%');
    expect(await lookup()).toBe(await lookup());

    const edit = async (changes: Record<string, unknown>) => {
      const settings = { ...profile.settings, ...changes };
      const updated = await deps.store.repos.profiles.updateProfile(customer.id, profile.id, {
        display_name: profile.displayName,
        name_key: profile.displayName.toLowerCase(),
        description: profile.description,
        settings: JSON.stringify(settings),
        updated_at: clock.now().toISOString(),
      });
      expect(updated).toBe(true);
    };
    // The test clock stands still: this edit keeps updated_at as it was.
    await edit({ deviceNameTemplate: 'FIELD-%SERIAL%' });
    expect((await lookup()).CloudAssignedDeviceName).toBe('FIELD-%SERIAL%');

    clock.advance(60_000);
    await edit({ deviceNameTemplate: null, oobe: { ...profile.settings.oobe, hideEula: true } });
    const latest = await lookup();
    expect(latest.CloudAssignedDeviceName).toBeUndefined();
    expect(latest.CloudAssignedOobeConfig).not.toBe(
      offlineProfileJson(profile, { id: customer.id, domain: 'contoso.example' })
        .CloudAssignedOobeConfig,
    );

    await database()
      .db.updateTable('organisations')
      .set({ domain: 'contoso.onmicrosoft.com' })
      .where('id', '=', customer.id)
      .execute();
    expect((await lookup()).CloudAssignedTenantDomain).toBe('contoso.onmicrosoft.com');
  });
});
