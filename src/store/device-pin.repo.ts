import type { Kysely } from 'kysely';
import type { Schema } from './schema.js';

/** A profile applied to one device directly (Partner Center `DevicePolicyUpdates`). */
export interface DevicePin {
  readonly customerOrgId: string;
  readonly deviceId: string;
  readonly profileId: string;
  readonly pinnedAt: string;
  readonly pinnedBy: string;
}

/** Ids per `IN (…)` list: far below both databases' bind-parameter limits. */
const lookupChunk = 1000;

/**
 * Profiles pinned to devices; a pin wins over tag rules. Every method is scoped to one
 * customer. A pin disappears with its device or its profile (foreign keys cascade).
 */
export class DevicePinRepo {
  constructor(private readonly db: Kysely<Schema>) {}

  /** Pins `profileId` to a device, replacing the device's earlier pin. */
  async pin(pin: DevicePin): Promise<void> {
    await this.db
      .insertInto('device_profile_pins')
      .values({
        device_id: pin.deviceId,
        customer_org_id: pin.customerOrgId,
        profile_id: pin.profileId,
        pinned_at: pin.pinnedAt,
        pinned_by: pin.pinnedBy,
      })
      .onConflict((oc) =>
        oc
          .column('device_id')
          .doUpdateSet({
            profile_id: pin.profileId,
            pinned_at: pin.pinnedAt,
            pinned_by: pin.pinnedBy,
          })
          .where('device_profile_pins.customer_org_id', '=', pin.customerOrgId),
      )
      .execute();
  }

  /** Removes a device's pin; false when it had none. */
  async unpin(customerOrgId: string, deviceId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('device_profile_pins')
      .where('customer_org_id', '=', customerOrgId)
      .where('device_id', '=', deviceId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** The pinned profile of each of the given devices that has one. */
  async pinsOf(customerOrgId: string, deviceIds: readonly string[]): Promise<Map<string, string>> {
    const pins = new Map<string, string>();
    for (let i = 0; i < deviceIds.length; i += lookupChunk) {
      const rows = await this.db
        .selectFrom('device_profile_pins')
        .select(['device_id', 'profile_id'])
        .where('customer_org_id', '=', customerOrgId)
        .where('device_id', 'in', deviceIds.slice(i, i + lookupChunk))
        .execute();
      for (const row of rows) {
        pins.set(row.device_id, row.profile_id);
      }
    }
    return pins;
  }

  /** Removes every pin of a profile; returns the devices that were pinned to it. */
  async unpinProfile(customerOrgId: string, profileId: string): Promise<string[]> {
    const rows = await this.db
      .deleteFrom('device_profile_pins')
      .where('customer_org_id', '=', customerOrgId)
      .where('profile_id', '=', profileId)
      .returning('device_id')
      .execute();
    return rows.map((row) => row.device_id);
  }
}
