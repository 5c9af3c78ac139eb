import { describe, expect, it } from 'vitest';
import { defaultProfileSettings } from '../../domain/deployment-profile.js';
import { drainBatches } from '../../../test/kit/api.js';
import { forEachDialect } from '../../../test/kit/databases.js';
import { syntheticDevice } from '../../../test/kit/devices.js';
import { consentedPair, register } from '../../../test/kit/registration.js';
import { buildDeps, userActor } from '../../../test/kit/services.js';
import { listDevices } from '../devices.js';
import { createProfile, createTagRule } from '../profiles.js';
import { createPolicy, deletePolicy } from './policies.js';
import { applyDevicePolicies, findPolicyUpdate } from './policy-updates.js';

forEachDialect('Partner Center policy updates', (database) => {
  const setup = async () => {
    const { deps } = buildDeps(database());
    const pair = await consentedPair(deps, { partner: 'Fabrikam', customer: 'Contoso' });
    const partnerAdmin = await userActor(deps, pair.partner, 'admin@fabrikam.example', 'admin');
    await register(
      deps,
      pair.partnerAgent,
      pair.customer,
      [syntheticDevice(1), syntheticDevice(2)],
      {
        groupTag: 'Sales',
      },
    );
    await drainBatches(deps);
    const devices = await listDevices(deps, pair.customerAdmin, {});
    const policy = await createPolicy(deps, partnerAdmin, pair.customer.id, {
      ...defaultProfileSettings,
      displayName: 'Partner policy',
    });
    return { deps, ...pair, partnerAdmin, devices, policyId: policy.profile.id };
  };
  const profiles = async (w: Awaited<ReturnType<typeof setup>>) =>
    (await listDevices(w.deps, w.customerAdmin, {})).map((d) => d.profileId);

  describe(applyDevicePolicies.name, () => {
    it('keeps a pinned policy when the customer adds a tag rule that re-evaluates every device', async () => {
      const w = await setup();
      const [pinned, free] = w.devices;
      const record = await applyDevicePolicies(w.deps, w.partnerAdmin, w.customer.id, [
        { deviceId: pinned!.id, policyId: w.policyId },
      ]);
      const sales = await createProfile(w.deps, w.customerAdmin, {
        settings: { ...defaultProfileSettings, displayName: 'Sales laptops' },
      });
      await createTagRule(w.deps, w.customerAdmin, { profile: sales.id, groupTag: 'Sales' });
      expect(await profiles(w)).toEqual([w.policyId, sales.id]);
      expect(free!.profileId).toBeNull();

      // The record reads back as the job's status, for this partner and customer only.
      expect(
        await findPolicyUpdate(w.deps, w.partner.id, w.customer.id, record.trackingId),
      ).toEqual(record);
      expect(
        await findPolicyUpdate(w.deps, w.customer.id, w.customer.id, record.trackingId),
      ).toBeUndefined();

      // Deleting the policy hands the device to the rule.
      await deletePolicy(w.deps, w.partnerAdmin, w.customer.id, w.policyId);
      expect(await profiles(w)).toEqual([sales.id, sales.id]);
    });

    it('refuses an agent, and changes nothing when one device of the request is unknown', async () => {
      const w = await setup();
      const [device] = w.devices;
      await expect(
        applyDevicePolicies(w.deps, w.partnerAgent, w.customer.id, [
          { deviceId: device!.id, policyId: w.policyId },
        ]),
      ).rejects.toMatchObject({ code: 'access.denied' });
      await expect(
        applyDevicePolicies(w.deps, w.partnerAdmin, w.customer.id, [
          { deviceId: device!.id, policyId: w.policyId },
          { deviceId: 'no-such-device', policyId: w.policyId },
        ]),
      ).rejects.toMatchObject({ code: 'device.not_found', details: { field: 'devices[1].id' } });
      await expect(
        applyDevicePolicies(w.deps, w.partnerAdmin, w.customer.id, [
          { deviceId: device!.id, policyId: null },
          { deviceId: device!.id, policyId: w.policyId },
        ]),
      ).rejects.toMatchObject({ code: 'input.invalid', details: { field: 'devices[1].id' } });
      expect(await profiles(w)).toEqual([null, null]);
    });
  });
});
