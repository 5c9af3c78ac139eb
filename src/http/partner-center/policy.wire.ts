/**
 * Deployment profiles on the Partner Center wire: the `ConfigurationPolicy` resource
 * (API-FACTS §1.3) ↔ our `DeploymentProfileSettings`. Partner Center policies express
 * only a name, a description and OOBE flags; everything else keeps our defaults on
 * create and the stored value on update. Requests may use PascalCase keys (the .NET SDK
 * sends them); responses are camelCase.
 * @module
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  defaultProfileSettings,
  normaliseProfileSettings,
  oobeConfigBitmap,
  oobeConfigBits,
  type DeploymentProfileInput,
  type DeploymentProfileSettings,
} from '../../domain/deployment-profile.js';
import { PreflightError } from '../../domain/errors.js';
import type { ProfileView } from '../../services/profiles.js';

/**
 * Any JSON object: keys are matched case-insensitively by `fromPartnerCenterPolicy`, which
 * does the real checking, so a JSON schema could only reject PascalCase bodies wrongly.
 */
export const pcPolicySchema = Type.Object(
  {},
  {
    additionalProperties: true,
    description:
      'ConfigurationPolicy: name, category (o_o_b_e), description, policySettings; keys in any case.',
  },
);

/** A Partner Center policy body as the schema admits it. */
export type PcPolicyBody = Static<typeof pcPolicySchema>;

/**
 * `policySettings` wire values and their bits in the SDK's `[Flags]` enum, which are also
 * the device's `CloudAssignedOobeConfig` bits (API-FACTS §1.3, §7) — except bit 1, which
 * the device reads as SkipCortanaOptIn, not as "remove OEM preinstalls".
 */
export const pcPolicySettingBits = {
  none: 0,
  remove_oem_preinstalls: 1,
  oobe_user_not_local_admin: oobeConfigBits.userNotLocalAdmin,
  skip_express_settings: oobeConfigBits.skipExpressSettings,
  skip_oem_registration: oobeConfigBits.skipOemRegistration,
  skip_eula: oobeConfigBits.skipEula,
} as const;

/** A `policySettings` wire value. */
export type PcPolicySetting = keyof typeof pcPolicySettingBits;

const PC_SETTINGS = Object.keys(pcPolicySettingBits) as PcPolicySetting[];

/** The Partner Center `ConfigurationPolicy` we emit (camelCase). */
export interface PcConfigurationPolicy {
  readonly id: string;
  readonly name: string;
  readonly category: 'o_o_b_e';
  readonly description: string;
  readonly devicesAssigned: number;
  readonly policySettings: PcPolicySetting[];
  readonly createdDate: string;
  readonly lastModifiedDate: string;
  readonly attributes: { readonly objectType: 'ConfigurationPolicy' };
}

type Json = Readonly<Record<string, unknown>>;

function invalid(field: string, message: string, remedy?: string): PreflightError {
  return new PreflightError('input.invalid', message, { field }, remedy);
}

function isPlainObject(value: unknown): value is Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * `value` with the first letter of every object key lower-cased (`PolicySettings` →
 * `policySettings`), in nested plain objects and arrays too. Two keys that become the
 * same (`Name` and `name`) are refused: which one was meant cannot be known.
 */
export function camelKeys(value: unknown, path = ''): unknown {
  if (Array.isArray(value)) {
    return value.map((item, i) => camelKeys(item, `${path}[${i}]`));
  }
  if (!isPlainObject(value)) {
    return value;
  }
  const out: Record<string, unknown> = {};
  const from: Record<string, string> = {};
  for (const [key, inner] of Object.entries(value)) {
    const folded = key.charAt(0).toLowerCase() + key.slice(1);
    const field = path ? `${path}.${folded}` : folded;
    const earlier = from[folded];
    if (earlier !== undefined) {
      throw invalid(
        field,
        `"${earlier}" and "${key}" name the same property${path ? ` in ${path}` : ''}.`,
        `Send ${folded} once.`,
      );
    }
    from[folded] = key;
    out[folded] = camelKeys(inner, field);
  }
  return out;
}

/**
 * A wire enum value in the SDK's spelling: snake case in any letter case as is
 * (`SKIP_EULA` → `skip_eula`), a C# member name as the SDK writes it (`SkipEula` →
 * `skip_eula`, `OOBE` → `o_o_b_e`).
 */
function wireEnum(value: string): string {
  const text = value.trim();
  return text.includes('_') || !/[A-Z]/.test(text)
    ? text.toLowerCase()
    : text.replace(/(?!^)([A-Z])/g, '_$1').toLowerCase();
}

const WRITABLE = ['id', 'name', 'category', 'description', 'policySettings'];
/** Read-only properties a client echoes from a GET (`devicesAssignedCount`: the doc table's name). */
const READ_ONLY = ['devicesAssigned', 'devicesAssignedCount', 'createdDate', 'lastModifiedDate'];

function checkKeys(body: Json): void {
  for (const [key, value] of Object.entries(body)) {
    if (
      !WRITABLE.includes(key) &&
      !READ_ONLY.includes(key) &&
      key !== 'attributes' &&
      value !== null
    ) {
      throw invalid(
        key,
        `A configuration policy has no property "${key}".`,
        `Send only ${WRITABLE.join(', ')}.`,
      );
    }
  }
  const { attributes } = body;
  if (attributes === undefined || attributes === null) {
    return;
  }
  const objectType = isPlainObject(attributes) ? attributes.objectType : attributes;
  if (
    objectType !== undefined &&
    objectType !== null &&
    (typeof objectType !== 'string' || objectType.toLowerCase() !== 'configurationpolicy')
  ) {
    throw invalid(
      'attributes.objectType',
      `attributes.objectType ${JSON.stringify(objectType)} is not ConfigurationPolicy.`,
      'Send attributes.objectType ConfigurationPolicy, or leave attributes out.',
    );
  }
}

function checkCategory(value: unknown, mode: 'create' | 'update'): void {
  if ((value === undefined || value === null) && mode === 'update') {
    return;
  }
  if (value === undefined || value === null) {
    throw invalid('category', 'A configuration policy needs a category.', 'Send category o_o_b_e.');
  }
  const category = typeof value === 'string' ? wireEnum(value) : undefined;
  if (category === 'o_o_b_e' || category === 'oobe') {
    return;
  }
  const what =
    category === 'none'
      ? 'Category none has no settings to apply; Autopilot profiles are category o_o_b_e.'
      : mode === 'update'
        ? `The category of a policy cannot change (it is o_o_b_e, got ${JSON.stringify(value)}).`
        : `Category ${JSON.stringify(value)} is not a configuration policy category.`;
  throw invalid('category', what, 'Send category o_o_b_e.');
}

/**
 * On create the id is ignored: the service assigns it, and a client copying a policy
 * from one customer to another sends the old one (the response shows the new id). On
 * update it must be the policy's own.
 */
function checkId(value: unknown, mode: 'create' | 'update', id: string | undefined): void {
  if (value === undefined || value === null || mode === 'create') {
    return;
  }
  if (typeof value !== 'string' || value.trim().toLowerCase() !== id?.toLowerCase()) {
    throw invalid(
      'id',
      `The id of a policy cannot change (it is ${id ?? 'unknown'}, got ${JSON.stringify(value)}).`,
      'Send the id of the policy in the path, or leave id out.',
    );
  }
}

/** The OOBE flags a list of wire values names. */
function readPolicySettings(value: unknown): Set<PcPolicySetting> {
  if (!Array.isArray(value)) {
    throw invalid(
      'policySettings',
      `policySettings must be a list, not ${JSON.stringify(value)}.`,
      'Send policySettings as a list such as ["skip_eula", "skip_express_settings"], or ["none"].',
    );
  }
  const flags = new Set<PcPolicySetting>();
  for (const [i, item] of value.entries()) {
    const found = PC_SETTINGS.find((s) => typeof item === 'string' && s === wireEnum(item));
    if (found === undefined) {
      throw invalid(
        `policySettings[${i}]`,
        `${JSON.stringify(item)} is not a policy setting.`,
        `Use any of: ${PC_SETTINGS.filter((s) => s !== 'remove_oem_preinstalls').join(', ')}.`,
      );
    }
    if (found === 'remove_oem_preinstalls') {
      throw invalid(
        `policySettings[${i}]`,
        'remove_oem_preinstalls cannot be expressed by an Autopilot profile: the device has no such setting (Partner Center no longer offers it either).',
        'Remove remove_oem_preinstalls from policySettings.',
      );
    }
    flags.add(found);
  }
  return flags;
}

/**
 * A Partner Center create (POST) or update (PUT, merged onto `current`) body as our
 * settings, checked and normalised. Keys may be in any first-letter case. Throws
 * `input.invalid` whose `details.field` is the Partner Center property at fault.
 *
 * `skip_oem_registration` sets nothing: `oobeConfigBitmap` always sets that bit (every
 * Autopilot device skips those pages), so every profile already does what it names.
 */
export function fromPartnerCenterPolicy(
  body: unknown,
  mode: 'create' | 'update',
  current?: Pick<ProfileView, 'id' | 'settings'>,
): DeploymentProfileSettings {
  if (mode === 'update' && !current) {
    throw new TypeError('fromPartnerCenterPolicy: an update needs the current profile');
  }
  if (!isPlainObject(body)) {
    throw invalid('body', 'A configuration policy must be a JSON object.');
  }
  const policy = camelKeys(body) as Json;
  checkKeys(policy);
  checkId(policy.id, mode, current?.id);
  checkCategory(policy.category, mode);
  const start = mode === 'update' && current ? current.settings : defaultProfileSettings;
  const input: Record<string, unknown> = { ...start, oobe: { ...start.oobe } };
  if (mode === 'create') {
    delete input.displayName;
  }
  if (policy.name !== undefined) {
    input.displayName = policy.name; // null is refused as a missing name
  }
  if (policy.description !== undefined) {
    input.description = policy.description ?? '';
  }
  if (policy.policySettings !== undefined && policy.policySettings !== null) {
    const flags = readPolicySettings(policy.policySettings);
    input.oobe = {
      ...start.oobe,
      userType: flags.has('oobe_user_not_local_admin') ? 'standard' : 'administrator',
      hidePrivacySettings: flags.has('skip_express_settings'),
      hideEula: flags.has('skip_eula'),
    };
  }
  try {
    return normaliseProfileSettings(input as DeploymentProfileInput);
  } catch (error) {
    if (error instanceof PreflightError && error.details.field === 'displayName') {
      throw new PreflightError(
        error.code,
        error.message.replace(/^displayName\b/, 'name').replace('display name', 'name'),
        { ...error.details, field: 'name' },
        error.remedy,
      );
    }
    throw error;
  }
}

/** The wire values a profile's `CloudAssignedOobeConfig` bits name, or `['none']`. */
export function pcPolicySettings(
  settings: Pick<DeploymentProfileSettings, 'deploymentMode' | 'oobe'>,
): PcPolicySetting[] {
  const bitmap = oobeConfigBitmap(settings);
  const named = PC_SETTINGS.filter(
    (s) =>
      s !== 'none' && s !== 'remove_oem_preinstalls' && (bitmap & pcPolicySettingBits[s]) !== 0,
  );
  return named.length > 0 ? named : ['none'];
}

/** A profile as a Partner Center `ConfigurationPolicy`. */
export function toPartnerCenterPolicy(
  view: ProfileView,
  devicesAssigned: number,
): PcConfigurationPolicy {
  return {
    id: view.id,
    name: view.displayName,
    category: 'o_o_b_e',
    description: view.description,
    devicesAssigned,
    policySettings: pcPolicySettings(view.settings),
    createdDate: view.createdAt,
    lastModifiedDate: view.updatedAt,
    attributes: { objectType: 'ConfigurationPolicy' },
  };
}
