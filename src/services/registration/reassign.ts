import type { Repos } from '../../store/store.js';
import { AssignmentPlan, type AssignableDevice } from './assignment-plan.js';

/**
 * Re-evaluates device profiles after a rule, a profile, a tag or a pin changed, in the
 * caller's transaction, so a device's status is never stale: the given devices, or every
 * device of the customer. A profile pinned to a device wins over tag rules. Returns how
 * many devices changed profile.
 */
export async function reassignDevices(
  repos: Repos,
  customerOrgId: string,
  at: string,
  onlyIds?: readonly string[],
): Promise<number> {
  const plan = await AssignmentPlan.load(repos, customerOrgId);
  let changed = 0;
  const apply = async (device: AssignableDevice & { profileId: string | null }) => {
    const profileId = plan.profileFor(device);
    if (profileId !== device.profileId) {
      changed += 1;
      await repos.devices.setAssignment(customerOrgId, device.id, {
        profileId,
        status: profileId ? 'assignedInSync' : 'notAssigned',
        at: profileId ? at : null,
      });
    }
  };
  if (onlyIds) {
    const pins = await repos.devicePins.pinsOf(customerOrgId, onlyIds);
    for (const id of onlyIds) {
      const device = await repos.devices.find({ customerOrgId }, id);
      if (device) {
        await apply({ ...device, pinnedProfileId: pins.get(id) ?? null });
      }
    }
    return changed;
  }
  let after = '';
  for (;;) {
    const page = await repos.devices.assignmentInputs(customerOrgId, after, 1000);
    if (page.length === 0) {
      return changed;
    }
    const pins = await repos.devicePins.pinsOf(
      customerOrgId,
      page.map((d) => d.id),
    );
    for (const device of page) {
      await apply({ ...device, pinnedProfileId: pins.get(device.id) ?? null });
    }
    after = page[page.length - 1]!.id;
  }
}
