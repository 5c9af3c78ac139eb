/**
 * Deployment profiles: what a device is told at first boot — how it joins, what it is
 * called, which out-of-box screens it skips. The settings are the reference's
 * `windowsAutopilotDeploymentProfile` (API-FACTS §2.5) in the portal's vocabulary; the
 * JSDoc of each field names its Graph property.
 * @module
 */
import { checkDeviceNameTemplate } from './device-name-template.js';
import { PreflightError } from './errors.js';

export {
  DEVICE_NAME_MAX_LENGTH,
  checkDeviceNameTemplate,
  expandDeviceName,
} from './device-name-template.js';

/** The portal's "Deployment mode", with pre-provisioning as a mode of its own. */
export const deploymentModes = ['userDriven', 'selfDeploying', 'preProvisioned'] as const;
export type DeploymentMode = (typeof deploymentModes)[number];

/** `entra` is Graph's `azureAD…Profile`, `hybrid` its `activeDirectory…Profile`. */
export const joinTypes = ['entra', 'hybrid'] as const;
export type JoinType = (typeof joinTypes)[number];

/** Whether the first user becomes a local administrator (Graph `userType`). */
export const oobeUserTypes = ['administrator', 'standard'] as const;
export type OobeUserType = (typeof oobeUserTypes)[number];

/** Out-of-box experience settings (Graph `outOfBoxExperienceSetting`). */
export interface OobeSettings {
  /** Graph `eulaHidden` (formerly `hideEULA`). */
  readonly hideEula: boolean;
  /** Graph `privacySettingsHidden` (formerly `hidePrivacySettings`). */
  readonly hidePrivacySettings: boolean;
  /** The "change account" escape link: Graph `escapeLinkHidden` (formerly `hideEscapeLink`). */
  readonly hideChangeAccountOptions: boolean;
  readonly userType: OobeUserType;
  /** Graph `keyboardSelectionPageSkipped` (formerly `skipKeyboardSelectionPage`). */
  readonly skipKeyboardSelection: boolean;
}

/** A deployment profile's settings, validated and normalised. */
export interface DeploymentProfileSettings {
  /** 1–200 characters, trimmed. */
  readonly displayName: string;
  /** At most 1500 characters, trimmed. */
  readonly description: string;
  readonly deploymentMode: DeploymentMode;
  readonly joinType: JoinType;
  /** Graph `locale` (formerly `language`): `os-default` or a tag such as `en-US`. */
  readonly language: string;
  /** `%SERIAL%` / `%RAND:x%` template (Entra join only), or null to keep Windows' name. */
  readonly deviceNameTemplate: string | null;
  readonly oobe: OobeSettings;
  /** "Convert all targeted devices to Autopilot" (Graph `hardwareHashExtractionEnabled`). */
  readonly hardwareHashExtractionEnabled: boolean;
}

/** What `normaliseProfileSettings` reads: any subset, values not yet checked. */
export type DeploymentProfileInput = {
  readonly [K in Exclude<keyof DeploymentProfileSettings, 'oobe'>]?: unknown;
} & { readonly oobe?: { readonly [K in keyof OobeSettings]?: unknown } };

/** The reference's defaults (Graph G-PROF): every setting but the name. */
export const defaultProfileSettings: Readonly<Omit<DeploymentProfileSettings, 'displayName'>> =
  Object.freeze({
    description: '',
    deploymentMode: 'userDriven',
    joinType: 'entra',
    language: 'os-default',
    deviceNameTemplate: null,
    oobe: Object.freeze({
      hideEula: false,
      hidePrivacySettings: false,
      hideChangeAccountOptions: false,
      userType: 'administrator',
      skipKeyboardSelection: false,
    }),
    hardwareHashExtractionEnabled: false,
  });

/** The tag that selects the built-in Microsoft Managed Desktop profile. */
export const managedDesktopGroupTag = 'Microsoft365Managed_Autopilot';

/**
 * The built-in profile every customer starts with, bound to `managedDesktopGroupTag`.
 * These settings mirror the Microsoft Managed Desktop defaults as documented: user-driven
 * Entra join, EULA, privacy settings and change-account options hidden, a standard
 * (non-administrator) user, keyboard selection skipped, the OS default language.
 */
export const managedDesktopProfile: DeploymentProfileSettings = Object.freeze({
  ...defaultProfileSettings,
  displayName: 'Microsoft Managed Desktop',
  description: `Built-in profile for devices with the group tag ${managedDesktopGroupTag}.`,
  oobe: Object.freeze({
    hideEula: true,
    hidePrivacySettings: true,
    hideChangeAccountOptions: true,
    userType: 'standard',
    skipKeyboardSelection: true,
  }),
});

/**
 * The Graph fields a deployment mode becomes. The portal's "User-driven ↔ singleUser,
 * Self-deploying ↔ shared" is marked uncertain in API-FACTS §2.5 but is what every
 * public tool assumes; pre-provisioning is a user-driven profile that allows it.
 */
export function graphDeploymentMode(mode: DeploymentMode): {
  readonly deviceUsageType: 'singleUser' | 'shared';
  readonly preprovisioningAllowed: boolean;
} {
  switch (mode) {
    case 'userDriven':
      return { deviceUsageType: 'singleUser', preprovisioningAllowed: false };
    case 'selfDeploying':
      return { deviceUsageType: 'shared', preprovisioningAllowed: false };
    case 'preProvisioned':
      return { deviceUsageType: 'singleUser', preprovisioningAllowed: true };
  }
}

function invalid(field: string, message: string, remedy: string): PreflightError {
  return new PreflightError('input.invalid', message, { field }, remedy);
}

const SETTING_KEYS: readonly string[] = [
  'displayName',
  'description',
  'deploymentMode',
  'joinType',
  'language',
  'deviceNameTemplate',
  'oobe',
  'hardwareHashExtractionEnabled',
];
const OOBE_KEYS: readonly string[] = Object.keys(defaultProfileSettings.oobe);

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A misspelt setting would otherwise be dropped silently and the default used instead. */
function rejectUnknownKeys(
  value: Readonly<Record<string, unknown>>,
  known: readonly string[],
  prefix: string,
): void {
  const unknown = Object.keys(value).find((key) => !known.includes(key));
  if (unknown !== undefined) {
    const field = `${prefix}${unknown}`;
    throw invalid(
      field,
      `Unknown profile setting "${field}".`,
      `Known settings: ${known.map((k) => prefix + k).join(', ')}.`,
    );
  }
}

function readBoolean(value: unknown, field: string, fallback: boolean): boolean {
  if (value !== undefined && typeof value !== 'boolean') {
    throw invalid(
      field,
      `${field} must be true or false, not ${JSON.stringify(value)}.`,
      `Set ${field} to true or false.`,
    );
  }
  return value ?? fallback;
}

/** One of `allowed`, matched without regard to letter case (`UserDriven` → `userDriven`). */
function readChoice<T extends string>(
  value: unknown,
  field: string,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) {
    return fallback;
  }
  const found = allowed.find(
    (a) => typeof value === 'string' && a.toLowerCase() === value.trim().toLowerCase(),
  );
  if (found === undefined) {
    throw invalid(
      field,
      `${field} cannot be ${JSON.stringify(value)}.`,
      `Use one of: ${allowed.join(', ')}.`,
    );
  }
  return found;
}

function readText(value: unknown, field: string, fallback: string, max: number): string {
  if (value === undefined) {
    return fallback;
  }
  if (typeof value !== 'string') {
    throw invalid(
      field,
      `${field} must be text, not ${JSON.stringify(value)}.`,
      `Give ${field} as text.`,
    );
  }
  const text = value.trim();
  if (text.length > max) {
    throw invalid(
      field,
      `${field} is ${text.length} characters long; at most ${max} are allowed.`,
      `Shorten ${field} to ${max} characters.`,
    );
  }
  return text;
}

/** Language, optional script, optional region or UN M.49 area (`en-US`, `sr-Latn-RS`, `es-419`). */
const LANGUAGE_TAG = /^([a-z]{2,3})(?:-([a-z]{4}))?(?:-([a-z]{2}|\d{3}))?$/i;

/** `os-default`, or a BCP 47 tag in its usual letter case: `EN-us` → `en-US`. */
function readLanguage(value: unknown): string {
  const text = readText(value, 'language', 'os-default', 35);
  if (text.toLowerCase() === 'os-default') {
    return 'os-default';
  }
  const match = LANGUAGE_TAG.exec(text);
  if (!match) {
    throw invalid(
      'language',
      `"${text}" is not a language tag.`,
      'Use os-default or a language tag such as en-US, de-DE or sr-Latn-RS.',
    );
  }
  const [, language = '', script, region] = match;
  const scriptCased = script && script[0]?.toUpperCase() + script.slice(1).toLowerCase();
  return [language.toLowerCase(), scriptCased, region?.toUpperCase()].filter(Boolean).join('-');
}

/**
 * Checks profile settings from any source (API body, CLI flags, a stored profile merged
 * with a change) and fills in the reference's defaults. Throws `input.invalid` naming the
 * first field at fault (`details.field`, `oobe.userType` for nested ones) and what is allowed.
 */
export function normaliseProfileSettings(input: DeploymentProfileInput): DeploymentProfileSettings {
  if (!isRecord(input)) {
    throw invalid(
      'settings',
      'Profile settings must be an object.',
      'Send the settings as a JSON object.',
    );
  }
  rejectUnknownKeys(input, SETTING_KEYS, '');
  const displayName = readText(input.displayName, 'displayName', '', 200);
  if (displayName === '') {
    throw invalid(
      'displayName',
      'A profile needs a display name.',
      'Give the profile a name of 1 to 200 characters.',
    );
  }
  const { deploymentMode: defaultMode, joinType: defaultJoin } = defaultProfileSettings;
  const deploymentMode = readChoice(
    input.deploymentMode,
    'deploymentMode',
    deploymentModes,
    defaultMode,
  );
  const joinType = readChoice(input.joinType, 'joinType', joinTypes, defaultJoin);
  if (deploymentMode === 'selfDeploying' && joinType === 'hybrid') {
    throw invalid(
      'joinType',
      'Self-deploying mode supports Microsoft Entra join only, not hybrid join.',
      'Use joinType entra, or the userDriven or preProvisioned mode for hybrid join.',
    );
  }
  const template = readText(input.deviceNameTemplate ?? '', 'deviceNameTemplate', '', 200);
  if (template !== '' && joinType === 'hybrid') {
    throw invalid(
      'deviceNameTemplate',
      'A device name template applies to Entra join only; hybrid-joined devices are named by the domain join configuration.',
      'Remove the template, or set the computer name prefix in the hybrid domain join profile.',
    );
  }
  if (template !== '') {
    checkDeviceNameTemplate(template);
  }
  const oobe = input.oobe ?? {};
  if (!isRecord(oobe)) {
    throw invalid(
      'oobe',
      'oobe must be an object of out-of-box settings.',
      `Known settings: ${OOBE_KEYS.join(', ')}.`,
    );
  }
  rejectUnknownKeys(oobe, OOBE_KEYS, 'oobe.');
  const defaults = defaultProfileSettings.oobe;
  const flag = (key: Exclude<keyof OobeSettings, 'userType'>): boolean =>
    readBoolean(oobe[key], `oobe.${key}`, defaults[key]);
  return {
    displayName,
    description: readText(input.description, 'description', '', 1500),
    deploymentMode,
    joinType,
    language: readLanguage(input.language),
    deviceNameTemplate: template === '' ? null : template,
    oobe: {
      hideEula: flag('hideEula'),
      hidePrivacySettings: flag('hidePrivacySettings'),
      hideChangeAccountOptions: flag('hideChangeAccountOptions'),
      userType: readChoice(oobe.userType, 'oobe.userType', oobeUserTypes, defaults.userType),
      skipKeyboardSelection: flag('skipKeyboardSelection'),
    },
    hardwareHashExtractionEnabled: readBoolean(
      input.hardwareHashExtractionEnabled,
      'hardwareHashExtractionEnabled',
      defaultProfileSettings.hardwareHashExtractionEnabled,
    ),
  };
}

/**
 * `CloudAssignedOobeConfig` bits (API-FACTS §7). Microsoft documents the names of 1–16;
 * 32, 64, 256 and 1024 are community-observed: they are what Microsoft's
 * WindowsAutopilotIntune module writes, and nobody has published their names.
 */
export const oobeConfigBits = {
  skipCortanaOptIn: 1,
  userNotLocalAdmin: 2,
  skipExpressSettings: 4,
  skipOemRegistration: 8,
  skipEula: 16,
  /** 32 + 64, set for shared (self-deploying) devices. */
  selfDeploying: 32 | 64,
  /** Always set by WindowsAutopilotIntune, together with 8. */
  alwaysSet: 256,
  skipKeyboardSelection: 1024,
} as const;

/** The `CloudAssignedOobeConfig` value for a profile, computed as WindowsAutopilotIntune does. */
export function oobeConfigBitmap(
  settings: Pick<DeploymentProfileSettings, 'deploymentMode' | 'oobe'>,
): number {
  const bits = oobeConfigBits;
  const { oobe } = settings;
  return (
    bits.skipOemRegistration |
    bits.alwaysSet |
    (oobe.userType === 'standard' ? bits.userNotLocalAdmin : 0) |
    (oobe.hidePrivacySettings ? bits.skipExpressSettings : 0) |
    (oobe.hideEula ? bits.skipEula : 0) |
    (oobe.skipKeyboardSelection ? bits.skipKeyboardSelection : 0) |
    (settings.deploymentMode === 'selfDeploying' ? bits.selfDeploying : 0)
  );
}
