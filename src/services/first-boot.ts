/**
 * First boot: a device that has no token presents its hardware hash (or manufacturer +
 * model + serial) and receives its assigned profile as `AutopilotConfigurationFile.json`.
 * This path must serve thousands of lookups a second, so it reads one row by a unique
 * index and reuses the files it has built.
 * @module
 */
import type { DeploymentProfileSettings } from '../domain/deployment-profile.js';
import { hashKeyOf, hashTupleKey, tupleKeyOf } from '../domain/device.js';
import { isPreflightError, PreflightError } from '../domain/errors.js';
import { decodeHardwareHash } from '../domain/hardware-hash.js';
import { offlineProfileJson, type AutopilotConfigurationFile } from '../domain/offline-profile.js';
import type { FirstBootKey, FirstBootRecord } from '../store/device.repo.js';
import type { ServiceDeps } from './deps.js';

/** What a device sends at first boot: its hash, or the tuple it was registered with. */
export interface FirstBootInput {
  readonly hardwareHash?: string;
  readonly manufacturer?: string;
  readonly model?: string;
  readonly serialNumber?: string;
}

/** The profile file for a device, or nothing to apply. */
export type FirstBootAnswer =
  | {
      readonly found: true;
      readonly configuration: AutopilotConfigurationFile;
      readonly deviceId: string;
    }
  | { readonly found: false };

const tupleFields = ['manufacturer', 'model', 'serialNumber'] as const;

/**
 * The configuration a device gets at first boot.
 *
 * - With `hardwareHash` (which wins when a tuple is sent too), the device is the one
 *   registered under that hash's key (`hashKeyOf`, as registration keys it), or else the
 *   one registered under the tuple or product key id the hash carries. A hash that does
 *   not decode is `input.invalid` on `hardwareHash`.
 * - Otherwise `manufacturer`, `model` and `serialNumber` must all be given; they name the
 *   device registered with exactly that tuple (case-sensitive, surrounding spaces
 *   trimmed, as registration stores it). Missing ones are `input.invalid`, naming them.
 *
 * `found: true` only when the device is registered and has a profile assigned. An
 * unknown device, a registered one without a profile, and one whose customer has no
 * tenant domain (the file cannot be written without it) all answer `found: false`:
 * Windows then runs its default out-of-box experience, and the answer does not tell a
 * caller whether the device is registered at all. The file carries the customer's
 * tenant id and domain, and the profile's id as `ZtdCorrelationId`.
 */
export async function lookupFirstBoot(
  deps: ServiceDeps,
  input: FirstBootInput,
): Promise<FirstBootAnswer> {
  let record;
  for (const key of firstBootKeys(input)) {
    record = await deps.store.repos.devices.firstBootRecord(key);
    if (record) {
      break;
    }
  }
  const domain = record?.customerDomain;
  if (!record || !domain) {
    return { found: false };
  }
  return {
    found: true,
    configuration: configurationFor(record, domain),
    deviceId: record.deviceId,
  };
}

function clean(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/**
 * The keys to look the device up by, in order; throws `input.invalid` for unusable input.
 * A hash is tried by its own key first, then by the tuple and the product key id read from
 * inside it: an OEM registers the tuple or the PKID before the device ever runs, and the
 * device at first boot only has its hash to show.
 */
function firstBootKeys(input: FirstBootInput): FirstBootKey[] {
  const hash = clean(input.hardwareHash);
  if (hash !== null) {
    const decoded = decodeHardwareHash(hash);
    if (!decoded.ok) {
      // The decoder's message never quotes the hash beyond a short preview.
      throw new PreflightError(
        'input.invalid',
        `The hardware hash cannot be read: ${decoded.message}`,
        { field: 'hardwareHash', check: decoded.check },
        'Send the hash exactly as Windows reports it (base64, in one piece).',
      );
    }
    const keys: FirstBootKey[] = [{ hashDigest: hashKeyOf(decoded) }];
    const tupleKey = hashTupleKey(decoded);
    if (tupleKey !== null) {
      keys.push({ tupleKey });
    }
    if (decoded.productKeyId) {
      keys.push({ productKeyId: decoded.productKeyId });
    }
    return keys;
  }
  const [manufacturer, model, serialNumber] = tupleFields.map((f) => clean(input[f]));
  const tupleKey = tupleKeyOf(manufacturer ?? null, model ?? null, serialNumber ?? null);
  if (tupleKey === null) {
    const missing = tupleFields.filter((f) => clean(input[f]) === null);
    const noneGiven = missing.length === tupleFields.length;
    throw new PreflightError(
      'input.invalid',
      noneGiven
        ? 'Send the device hardwareHash, or its manufacturer, model and serialNumber.'
        : `Without a hardwareHash the device needs manufacturer, model and serialNumber; missing ${missing.join(', ')}.`,
      noneGiven
        ? { field: 'hardwareHash', fields: ['hardwareHash', ...tupleFields] }
        : { field: missing[0], fields: missing },
    );
  }
  return [{ tupleKey }];
}

/**
 * Built files, by profile and customer. An entry is used only while the profile's
 * `updated_at` and settings and the customer's domain are those it was built from, so an
 * edited profile (even two edits within one millisecond) or a changed domain is never
 * served stale; the settings text is compared as stored, which costs far less than
 * parsing it. At most `CACHE_LIMIT` entries; the oldest goes first.
 */
const cache = new Map<
  string,
  {
    readonly updatedAt: string;
    readonly settings: string;
    readonly domain: string;
    readonly file: AutopilotConfigurationFile;
  }
>();
const CACHE_LIMIT = 1000;

function configurationFor(record: FirstBootRecord, domain: string): AutopilotConfigurationFile {
  const key = `${record.profileId}\u001f${record.customerOrgId}`;
  const cached = cache.get(key);
  if (
    cached &&
    cached.updatedAt === record.profileUpdatedAt &&
    cached.domain === domain &&
    cached.settings === record.profileSettings
  ) {
    return cached.file;
  }
  const file = Object.freeze(build(record, domain));
  cache.delete(key);
  if (cache.size >= CACHE_LIMIT) {
    cache.delete(cache.keys().next().value!);
  }
  cache.set(key, {
    updatedAt: record.profileUpdatedAt,
    settings: record.profileSettings,
    domain,
    file,
  });
  return file;
}

function build(record: FirstBootRecord, domain: string): AutopilotConfigurationFile {
  try {
    return offlineProfileJson(
      {
        id: record.profileId,
        settings: JSON.parse(record.profileSettings) as DeploymentProfileSettings,
      },
      { id: record.customerOrgId, domain },
    );
  } catch (error) {
    // Stored data that cannot become a file is our fault, not the device's request.
    if (isPreflightError(error)) {
      throw new Error(
        `Profile ${record.profileId} of customer ${record.customerOrgId} cannot be written as a first-boot file: ${error.message}`,
        { cause: error },
      );
    }
    throw error;
  }
}
