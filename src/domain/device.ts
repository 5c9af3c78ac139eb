import { isPlaceholderSerialNumber } from './serial-number.js';

/** The reference's profile-assignment states (Graph windowsAutopilotProfileAssignmentStatus). */
export type ProfileAssignmentStatus =
  'notAssigned' | 'pending' | 'assignedInSync' | 'assignedOutOfSync' | 'failed';

/** A registered device: one owner (customer) at a time. */
export interface Device {
  readonly id: string;
  readonly customerOrgId: string;
  readonly hashDigest: string | null;
  readonly productKeyId: string | null;
  readonly serialNumber: string | null;
  readonly manufacturer: string | null;
  readonly model: string | null;
  readonly groupTag: string | null;
  readonly purchaseOrderId: string | null;
  readonly assignedUser: string | null;
  readonly displayName: string | null;
  readonly registeredByOrgId: string;
  readonly registeredBy: string;
  readonly registeredAt: string;
  readonly batchId: string;
  readonly profileId: string | null;
  readonly profileStatus: ProfileAssignmentStatus;
  readonly profileAssignedAt: string | null;
}

/** The keys under which a device is unique across all customers. */
export interface DeviceKeys {
  /** SHA-256 (hex) of the decoded hardware hash. */
  readonly hashDigest: string | null;
  readonly productKeyId: string | null;
  /** Manufacturer + model + serial, exactly as given (the reference matches them case-sensitively). */
  readonly tupleKey: string | null;
}

// A separator that cannot occur in SMBIOS strings, so distinct tuples never join alike.
const unitSeparator = '\u001f';

/**
 * The tuple key of a device given as manufacturer + model + serial, or null when a part
 * is missing. A tuple the submitter typed is used as given, placeholder serial included:
 * that is the identity they chose (and the row carries a warning about it).
 */
export function tupleKeyOf(
  manufacturer: string | null,
  model: string | null,
  serial: string | null,
): string | null {
  if (!manufacturer || !model || !serial) {
    return null;
  }
  return [manufacturer, model, serial].join(unitSeparator);
}

/**
 * The tuple key read from inside a hardware hash. A placeholder serial ("Default
 * string", "SMBIOS_STRING_INDEX_0", …) is shared by many machines, so it forms no key
 * here — otherwise two different VMs harvested with it would collide.
 */
export function hashTupleKey(facts: {
  readonly manufacturer: string | null;
  readonly model: string | null;
  readonly serialNumber: string | null;
}): string | null {
  if (!facts.serialNumber || isPlaceholderSerialNumber(facts.serialNumber)) {
    return null;
  }
  return tupleKeyOf(facts.manufacturer, facts.model, facts.serialNumber);
}

/**
 * The key a hardware hash is indexed by: the SHA-256 of its content (bytes 0..L-1), which
 * a valid hash carries in its own trailer and which decoding has just verified. Reading it
 * costs nothing, where hashing all 3000 bytes again would cost a second pass per row; the
 * bytes after L are zero padding, so both identify the same content. Every path that looks
 * a device up by hash (registration, `device show`, first boot) must use this function.
 */
export function hashKeyOf(decoded: { readonly checksum: string }): string {
  return decoded.checksum;
}

/** True when at least one key identifies the device. */
export function hasIdentity(keys: DeviceKeys): boolean {
  return keys.hashDigest !== null || keys.productKeyId !== null || keys.tupleKey !== null;
}

/**
 * Finds rows of one request that name the same device. Returns, per row index, the index
 * of the earlier row it repeats (any shared key counts).
 */
export class DuplicateTracker {
  private readonly seen = new Map<string, number>();

  /** Records `keys` for row `index`; returns the earlier row with a shared key, if any. */
  check(index: number, keys: DeviceKeys): number | null {
    const names = [
      keys.hashDigest && `h:${keys.hashDigest}`,
      keys.productKeyId && `p:${keys.productKeyId}`,
      keys.tupleKey && `t:${keys.tupleKey}`,
    ].filter((k): k is string => Boolean(k));
    for (const name of names) {
      const earlier = this.seen.get(name);
      if (earlier !== undefined) {
        return earlier;
      }
    }
    for (const name of names) {
      this.seen.set(name, index);
    }
    return null;
  }
}
