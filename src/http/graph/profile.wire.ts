/**
 * Deployment profiles on the Microsoft Graph wire: the `windowsAutopilotDeploymentProfile`
 * JSON (API-FACTS §2.5) ↔ our `DeploymentProfileSettings`. Requests may use the deprecated
 * property names (`language`, `outOfBoxExperienceSettings`, `extractHardwareHash`,
 * `enableWhiteGlove`) or the current ones; responses carry both, filled consistently, so
 * clients written against either keep working. Nothing a client sends is dropped silently:
 * a property we cannot store is refused unless it holds Graph's default value.
 * @module
 */
import {
  defaultProfileSettings,
  graphDeploymentMode,
  normaliseProfileSettings,
  type DeploymentMode,
  type DeploymentProfileInput,
  type DeploymentProfileSettings,
  type JoinType,
  type OobeSettings,
} from '../../domain/deployment-profile.js';
import { PreflightError } from '../../domain/errors.js';
import { graphProfileTypes } from './profile.schema.js';

export {
  graphProfileSchema,
  graphProfileTypes,
  type GraphProfileBody,
  type GraphVersion,
} from './profile.schema.js';
export { toGraphProfile } from './profile.present.js';

type Json = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(field: string, message: string, remedy?: string): PreflightError {
  return new PreflightError('input.invalid', message, { field }, remedy);
}

/** Control information and read-only properties a client may echo from a GET. */
const IGNORED = new Set([
  '@odata.context',
  '@odata.etag',
  '@odata.id',
  '@odata.editLink',
  'id',
  'createdDateTime',
  'lastModifiedDateTime',
]);

/** One of our OOBE flags, under its current and deprecated Graph names. */
const OOBE_FLAGS = [
  { ours: 'hidePrivacySettings', now: 'privacySettingsHidden', old: 'hidePrivacySettings' },
  { ours: 'hideEula', now: 'eulaHidden', old: 'hideEULA' },
  { ours: 'hideChangeAccountOptions', now: 'escapeLinkHidden', old: 'hideEscapeLink' },
  {
    ours: 'skipKeyboardSelection',
    now: 'keyboardSelectionPageSkipped',
    old: 'skipKeyboardSelectionPage',
  },
] as const satisfies readonly { ours: keyof OobeSettings; now: string; old: string }[];

const OOBE_NEW = 'outOfBoxExperienceSetting';
const OOBE_OLD = 'outOfBoxExperienceSettings';
const OOBE_KEYS = {
  [OOBE_NEW]: ['userType', 'deviceUsageType', ...OOBE_FLAGS.map((f) => f.now)],
  [OOBE_OLD]: ['userType', 'deviceUsageType', ...OOBE_FLAGS.map((f) => f.old)],
};

const TOP_LEVEL = [
  '@odata.type',
  'displayName',
  'description',
  'locale',
  'language',
  'deviceNameTemplate',
  'deviceType',
  'preprovisioningAllowed',
  'enableWhiteGlove',
  'hardwareHashExtractionEnabled',
  'extractHardwareHash',
  'roleScopeTagIds',
  'managementServiceAppId',
  'hybridAzureADJoinSkipConnectivityCheck',
  OOBE_NEW,
  OOBE_OLD,
  'enrollmentStatusScreenSettings',
];

/** Graph's default for each field of `windowsEnrollmentStatusScreenSettings` (G-PROF). */
const ESP_DEFAULTS: Readonly<Record<string, readonly unknown[]>> = {
  hideInstallationProgress: [false],
  allowDeviceUseBeforeProfileAndAppInstallComplete: [false],
  blockDeviceSetupRetryByUser: [false],
  allowLogCollectionOnInstallFailure: [false],
  customErrorMessage: ['', null],
  installProgressTimeoutInMinutes: [0, null],
  allowDeviceUseOnInstallFailure: [false],
};

function unsupported(path: string, value: unknown): PreflightError {
  return invalid(
    path,
    `Preflight does not support the Graph property '${path}' (got ${JSON.stringify(value)}).`,
    `Remove ${path} or send its default value; Preflight cannot store it.`,
  );
}

/** `#microsoft.graph.x` and `microsoft.graph.x` name the same type. */
const sameType = (a: unknown, b: string) =>
  typeof a === 'string' && a.replace(/^#/, '') === b.replace(/^#/, '');

/** A value the client gave, with the Graph property path it came from. */
interface Given<T> {
  readonly path: string;
  readonly value: T;
}

function readBoolean(object: Json, key: string, prefix = ''): Given<boolean> | undefined {
  const value = object[key];
  const path = prefix + key;
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'boolean') {
    throw invalid(path, `${path} must be true or false, not ${JSON.stringify(value)}.`);
  }
  return { path, value };
}

function readEnum<T extends string>(
  object: Json,
  key: string,
  prefix: string,
  supported: readonly T[],
): Given<T> | undefined {
  const value = object[key];
  const path = prefix + key;
  if (value === undefined || value === null) {
    return undefined;
  }
  const found = supported.find((s) => s === value);
  if (found === undefined) {
    throw invalid(
      path,
      `${path} cannot be ${JSON.stringify(value)}.`,
      `Use one of: ${supported.join(', ')}.`,
    );
  }
  return { path, value: found };
}

/** A text property: undefined when absent, null when the client sent null. */
function readString(object: Json, key: string): Given<string | null> | undefined {
  const value = object[key];
  if (value === undefined) {
    return undefined;
  }
  if (value !== null && typeof value !== 'string') {
    throw invalid(key, `${key} must be text, not ${JSON.stringify(value)}.`);
  }
  return { path: key, value };
}

/**
 * The current property or its deprecated twin, whichever was given; both given with
 * different values is refused rather than one silently winning.
 */
function either<T>(
  now: Given<T> | undefined,
  old: Given<T> | undefined,
  same: (a: T, b: T) => boolean = (a, b) => a === b,
): Given<T> | undefined {
  if (now && old && !same(now.value, old.value)) {
    throw invalid(
      now.path,
      `${now.path} (${JSON.stringify(now.value)}) and its deprecated name ${old.path} (${JSON.stringify(old.value)}) were both given, with different values.`,
      `Send only ${now.path}, or the same value in both.`,
    );
  }
  return now ?? old;
}

/** The OOBE object under `key`, after refusing properties it cannot hold. */
function readOobeObject(body: Json, key: typeof OOBE_NEW | typeof OOBE_OLD): Json {
  const value = body[key];
  if (value === undefined || value === null) {
    return {};
  }
  if (!isRecord(value)) {
    throw invalid(key, `${key} must be an object, not ${JSON.stringify(value)}.`);
  }
  for (const [inner, innerValue] of Object.entries(value)) {
    if (inner === '@odata.type') {
      if (!sameType(innerValue, `microsoft.graph.${key}`)) {
        throw invalid(
          `${key}.@odata.type`,
          `${key}.@odata.type cannot be ${JSON.stringify(innerValue)}.`,
          `Use microsoft.graph.${key} or leave it out.`,
        );
      }
    } else if (!OOBE_KEYS[key].includes(inner) && innerValue !== null) {
      throw unsupported(`${key}.${inner}`, innerValue);
    }
  }
  return value;
}

/** Refuses what we cannot store unless it is Graph's default (or null: not set). */
function checkUnsupported(body: Json): void {
  for (const [key, value] of Object.entries(body)) {
    if (!IGNORED.has(key) && !TOP_LEVEL.includes(key) && value !== null) {
      throw unsupported(key, value);
    }
  }
  const { deviceType, roleScopeTagIds, managementServiceAppId } = body;
  if (deviceType !== undefined && deviceType !== null && deviceType !== 'windowsPc') {
    throw invalid(
      'deviceType',
      `deviceType ${JSON.stringify(deviceType)} is not supported; Preflight registers Windows PCs only.`,
      'Use deviceType windowsPc or leave it out.',
    );
  }
  const tags = roleScopeTagIds;
  if (
    tags !== undefined &&
    tags !== null &&
    !(Array.isArray(tags) && tags.every((t) => t === '0'))
  ) {
    throw invalid(
      'roleScopeTagIds',
      `Preflight does not support scope tags (roleScopeTagIds ${JSON.stringify(tags)}).`,
      'Leave roleScopeTagIds out, or send ["0"] (the Default tag).',
    );
  }
  if (
    managementServiceAppId !== undefined &&
    managementServiceAppId !== null &&
    managementServiceAppId !== ''
  ) {
    throw unsupported('managementServiceAppId', managementServiceAppId);
  }
  const skip = readBoolean(body, 'hybridAzureADJoinSkipConnectivityCheck');
  if (skip?.value) {
    throw unsupported(skip.path, true);
  }
  const esp = body.enrollmentStatusScreenSettings;
  if (esp !== undefined && esp !== null) {
    if (!isRecord(esp)) {
      throw unsupported('enrollmentStatusScreenSettings', esp);
    }
    for (const [key, value] of Object.entries(esp)) {
      const path = `enrollmentStatusScreenSettings.${key}`;
      if (key === '@odata.type') {
        if (!sameType(value, 'microsoft.graph.windowsEnrollmentStatusScreenSettings')) {
          throw unsupported(path, value);
        }
      } else if (!(ESP_DEFAULTS[key] ?? [null]).includes(value)) {
        throw invalid(
          path,
          `Preflight does not support ${path} (got ${JSON.stringify(value)}); configure the enrollment status page in Intune instead.`,
          'Leave enrollmentStatusScreenSettings out or null.',
        );
      }
    }
  }
}

/** Join type from `@odata.type`; the type of an existing profile cannot change. */
function readJoinType(
  body: Json,
  base: DeploymentProfileSettings | undefined,
): JoinType | undefined {
  const type = body['@odata.type'];
  if (type === undefined) {
    return undefined;
  }
  const joinType = (Object.keys(graphProfileTypes) as JoinType[]).find((j) =>
    sameType(type, graphProfileTypes[j]),
  );
  if (joinType === undefined) {
    throw invalid(
      '@odata.type',
      `@odata.type ${JSON.stringify(type)} is not a deployment profile type Preflight supports.`,
      `Use ${graphProfileTypes.entra} (Microsoft Entra join) or ${graphProfileTypes.hybrid} (hybrid join).`,
    );
  }
  if (base && base.joinType !== joinType) {
    throw invalid(
      '@odata.type',
      `This profile is a ${graphProfileTypes[base.joinType]}; Graph does not change the type of an existing profile.`,
      'Create a new profile of the other type instead.',
    );
  }
  return joinType;
}

/** `deviceUsageType` × `preprovisioningAllowed` → our deployment mode (inverse of `graphDeploymentMode`). */
function readDeploymentMode(
  usage: Given<'singleUser' | 'shared'> | undefined,
  pre: Given<boolean> | undefined,
  base: DeploymentMode,
): DeploymentMode {
  const was = graphDeploymentMode(base);
  const shared = (usage?.value ?? was.deviceUsageType) === 'shared';
  const preprovisioning = pre?.value ?? was.preprovisioningAllowed;
  if (shared && preprovisioning) {
    const usagePath = usage?.path ?? `${OOBE_NEW}.deviceUsageType`;
    const prePath = pre?.path ?? 'preprovisioningAllowed';
    throw invalid(
      pre ? prePath : usagePath,
      `${usagePath} shared (self-deploying) with ${prePath} true cannot be expressed: pre-provisioning is offered for user-driven (singleUser) profiles only.`,
      `Set ${prePath} to false, or ${usagePath} to singleUser.`,
    );
  }
  return shared ? 'selfDeploying' : preprovisioning ? 'preProvisioned' : 'userDriven';
}

/** Language tags are compared as `normaliseProfileSettings` will read them. */
const sameText = (a: string, b: string) => {
  const fold = (s: string) => (s.trim() === '' ? 'os-default' : s.trim().toLowerCase());
  return fold(a) === fold(b);
};

/**
 * A Graph POST (`create`) or PATCH (`update`, merged onto `current`) body as our settings,
 * checked and normalised. Throws `input.invalid` whose `details.field` is the Graph
 * property path at fault (`outOfBoxExperienceSetting.userType`, `@odata.type`, …).
 */
export function fromGraphProfile(
  body: unknown,
  mode: 'create' | 'update',
  current?: DeploymentProfileSettings,
): DeploymentProfileSettings {
  if (mode === 'update' && !current) {
    throw new TypeError('fromGraphProfile: an update needs the current settings');
  }
  const base = mode === 'update' ? current : undefined;
  if (!isRecord(body)) {
    throw invalid('body', 'A deployment profile must be a JSON object.');
  }
  checkUnsupported(body);
  const start = base ?? defaultProfileSettings;
  /** Our field → the Graph path it was read from, to name it in errors. */
  const paths: Record<string, string> = {
    displayName: 'displayName',
    description: 'description',
    language: 'locale',
    deviceNameTemplate: 'deviceNameTemplate',
    joinType: '@odata.type',
    deploymentMode: `${OOBE_NEW}.deviceUsageType`,
    hardwareHashExtractionEnabled: 'hardwareHashExtractionEnabled',
  };
  const joinType = readJoinType(body, base) ?? start.joinType;

  const oobeNew = readOobeObject(body, OOBE_NEW);
  const oobeOld = readOobeObject(body, OOBE_OLD);
  const newPrefix = `${OOBE_NEW}.`;
  const oldPrefix = `${OOBE_OLD}.`;
  const oobe: Record<string, unknown> = { ...start.oobe };
  for (const flag of OOBE_FLAGS) {
    const given = either(
      readBoolean(oobeNew, flag.now, newPrefix),
      readBoolean(oobeOld, flag.old, oldPrefix),
    );
    oobe[flag.ours] = given?.value ?? oobe[flag.ours];
    paths[`oobe.${flag.ours}`] = given?.path ?? newPrefix + flag.now;
  }
  const userTypes = ['administrator', 'standard'] as const;
  const userType = either(
    readEnum(oobeNew, 'userType', newPrefix, userTypes),
    readEnum(oobeOld, 'userType', oldPrefix, userTypes),
  );
  oobe.userType = userType?.value ?? start.oobe.userType;

  const usages = ['singleUser', 'shared'] as const;
  const usage = either(
    readEnum(oobeNew, 'deviceUsageType', newPrefix, usages),
    readEnum(oobeOld, 'deviceUsageType', oldPrefix, usages),
  );
  const pre = either(
    readBoolean(body, 'preprovisioningAllowed'),
    readBoolean(body, 'enableWhiteGlove'),
  );
  const deploymentMode = readDeploymentMode(usage, pre, start.deploymentMode);
  if (deploymentMode === 'selfDeploying' && joinType === 'hybrid') {
    const usagePath = usage?.path ?? newPrefix + 'deviceUsageType';
    throw invalid(
      body['@odata.type'] === undefined ? usagePath : '@odata.type',
      `${usagePath} shared (self-deploying) supports Microsoft Entra join only, not ${graphProfileTypes.hybrid}.`,
      `Use ${graphProfileTypes.entra}, or ${usagePath} singleUser for hybrid join.`,
    );
  }

  const hash = either(
    readBoolean(body, 'hardwareHashExtractionEnabled'),
    readBoolean(body, 'extractHardwareHash'),
  );
  // null means "not set" for this pair, so it never conflicts with its twin.
  const text = (key: string): Given<string> | undefined => {
    const given = readString(body, key);
    return given && given.value !== null ? { path: given.path, value: given.value } : undefined;
  };
  const locale = either(text('locale'), text('language'), sameText);
  if (locale) {
    paths.language = locale.path;
  }
  const input = {
    ...start,
    displayName: base?.displayName,
    deploymentMode,
    joinType,
    oobe,
    hardwareHashExtractionEnabled: hash?.value ?? start.hardwareHashExtractionEnabled,
  } as Record<string, unknown>;
  const displayName = body.displayName;
  if (displayName !== undefined) {
    // null is passed on and refused: a profile cannot lose its name.
    input.displayName = displayName;
  }
  const description = readString(body, 'description');
  if (description) {
    input.description = description.value ?? '';
  }
  // Graph's "no language chosen" is "os-default"; "" is read as that, null as not given.
  if (locale) {
    input.language = locale.value.trim() === '' ? 'os-default' : locale.value;
  }
  const template = readString(body, 'deviceNameTemplate');
  if (template) {
    // Graph returns "" when there is no template.
    input.deviceNameTemplate = template.value === '' ? null : template.value;
  }
  try {
    return normaliseProfileSettings(input as DeploymentProfileInput);
  } catch (error) {
    if (error instanceof PreflightError && typeof error.details.field === 'string') {
      const field = paths[error.details.field] ?? error.details.field;
      throw new PreflightError(
        error.code,
        error.message.includes(field) ? error.message : `${field}: ${error.message}`,
        { ...error.details, field },
        error.remedy,
      );
    }
    throw error;
  }
}
