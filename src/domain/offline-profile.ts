/**
 * The offline Autopilot profile: `AutopilotConfigurationFile.json`, which Windows reads
 * from `%WINDIR%\Provisioning\Autopilot\` to run Autopilot on a device that is not
 * registered (API-FACTS §7). Property names and values follow Microsoft's
 * WindowsAutopilotIntune module (`ConvertTo-AutopilotConfigurationJSON`), which is what
 * Microsoft's "existing devices" guide tells people to run.
 *
 * The device reads the file as ANSI, so everything in it is ASCII: values that matter
 * (tenant, domain, device name, language) are refused when they are not, and the
 * free-text comment is folded to ASCII (`Köln` → `Koln`, anything else → `?`).
 * @module
 */
import { createHash } from 'node:crypto';
import { checkDeviceNameTemplate, oobeConfigBitmap } from './deployment-profile.js';
import type { DeploymentProfileSettings } from './deployment-profile.js';
import { PreflightError } from './errors.js';

/** `AutopilotConfigurationFile.json`, in the order WindowsAutopilotIntune builds it. */
export interface AutopilotConfigurationFile {
  /** `Profile <display name>`, for people reading the file. */
  readonly Comment_File: string;
  readonly Version: 2049;
  /** The profile's id (a GUID). */
  readonly ZtdCorrelationId: string;
  /** 0 Entra join, 1 hybrid join. */
  readonly CloudAssignedDomainJoinMethod: 0 | 1;
  /** The device name template, when the profile has one. */
  readonly CloudAssignedDeviceName?: string;
  readonly CloudAssignedOobeConfig: number;
  /** Written only when keyboard selection is skipped, as WindowsAutopilotIntune does. */
  readonly CloudAssignedLanguage?: string;
  /** 1 when the change-account escape link is hidden. */
  readonly CloudAssignedForcedEnrollment: 0 | 1;
  /** Tenant GUID, lower case, no braces. */
  readonly CloudAssignedTenantId: string;
  readonly CloudAssignedTenantDomain: string;
  /** A JSON document inside a string: `{"ZeroTouchConfig":{…}}`. */
  readonly CloudAssignedAadServerData: string;
  /** Not represented in Intune; WindowsAutopilotIntune always writes these two. */
  readonly CloudAssignedAutopilotUpdateDisabled: 1;
  readonly CloudAssignedAutopilotUpdateTimeout: 1800000;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `id` as a lower-case GUID without braces, or undefined when it is no GUID. */
function asGuid(id: string): string | undefined {
  const bare = id.startsWith('{') && id.endsWith('}') ? id.slice(1, -1) : id;
  return GUID.test(bare) ? bare.toLowerCase() : undefined;
}

function requireGuid(id: string, field: string, what: string): string {
  const guid = asGuid(id);
  if (guid === undefined) {
    throw new PreflightError(
      'input.invalid',
      `The ${what} "${id}" is not a GUID.`,
      { field },
      `Give the ${what} as a GUID such as 1537de22-988c-4e93-b8a5-83890f34a69b.`,
    );
  }
  return guid;
}

/** Fixed namespace for name-based correlation ids (generated once for Preflight). */
const PROFILE_ID_NAMESPACE = 'e0fe3e5fa7e74651b30ba174009001ce';

/**
 * A stable GUID for a profile id that is not one (RFC 4122 version 5: SHA-1 of a fixed
 * namespace and the id), so the same profile always yields the same `ZtdCorrelationId`.
 */
function nameBasedGuid(name: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(PROFILE_ID_NAMESPACE, 'hex'))
    .update(name, 'utf8')
    .digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.toString('hex');
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20, 32),
  ].join('-');
}

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/i;

function tenantDomain(domain: string): string {
  const trimmed = domain.trim();
  if (DOMAIN.test(trimmed)) {
    return trimmed.toLowerCase();
  }
  // eslint-disable-next-line no-control-regex -- ASCII is exactly the range we allow
  const nonAscii = /[^\x00-\x7f]/.test(trimmed);
  throw new PreflightError(
    'input.invalid',
    nonAscii
      ? `The tenant domain "${trimmed}" has characters outside ASCII, which the device cannot read from this file.`
      : `The tenant domain "${trimmed}" is not a domain name.`,
    { field: 'tenantDomain' },
    "Use the tenant's initial domain (contoso.onmicrosoft.com), or an internationalised domain in its xn-- form.",
  );
}

/** Folds free text to printable ASCII: accents dropped, anything else becomes `?`. */
function asciiText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]/g, '?');
}

/**
 * The offline profile file for `profile` in `tenant`. `options.deviceName` replaces the
 * profile's device name template (it follows the same rules); `options.correlationId`
 * replaces the profile id as `ZtdCorrelationId`. A profile id that is not a GUID is turned
 * into a stable name-based one. Throws `input.invalid` naming `tenantId`, `tenantDomain`,
 * `correlationId` or `deviceName` when one of them cannot go into the file.
 */
export function offlineProfileJson(
  profile: { readonly id: string; readonly settings: DeploymentProfileSettings },
  tenant: { readonly id: string; readonly domain: string },
  options: { readonly deviceName?: string; readonly correlationId?: string } = {},
): AutopilotConfigurationFile {
  const { settings } = profile;
  const tenantId = requireGuid(tenant.id, 'tenantId', 'tenant id');
  const domain = tenantDomain(tenant.domain);
  const correlationId =
    options.correlationId === undefined
      ? (asGuid(profile.id) ?? nameBasedGuid(profile.id))
      : requireGuid(options.correlationId, 'correlationId', 'correlation id');
  const field = options.deviceName ? 'deviceName' : 'deviceNameTemplate';
  const deviceName = options.deviceName || settings.deviceNameTemplate || undefined;
  if (deviceName !== undefined && settings.joinType === 'hybrid') {
    throw new PreflightError(
      'input.invalid',
      'A device name applies to Entra join only; hybrid-joined devices are named by the domain join configuration.',
      { field },
      'Leave the device name out for a hybrid profile.',
    );
  }
  if (deviceName !== undefined) {
    checkDeviceNameTemplate(deviceName, field);
  }
  const forcedEnrollment = settings.oobe.hideChangeAccountOptions ? 1 : 0;
  // Key order as in Microsoft's published sample; the device parses this string as JSON.
  const aadServerData = JSON.stringify({
    ZeroTouchConfig: {
      CloudAssignedTenantUpn: '',
      ForcedEnrollment: forcedEnrollment,
      CloudAssignedTenantDomain: domain,
    },
  });
  return {
    Comment_File: asciiText(`Profile ${settings.displayName}`),
    Version: 2049,
    ZtdCorrelationId: correlationId,
    CloudAssignedDomainJoinMethod: settings.joinType === 'hybrid' ? 1 : 0,
    ...(deviceName === undefined ? {} : { CloudAssignedDeviceName: deviceName }),
    CloudAssignedOobeConfig: oobeConfigBitmap(settings),
    ...(settings.oobe.skipKeyboardSelection ? { CloudAssignedLanguage: settings.language } : {}),
    CloudAssignedForcedEnrollment: forcedEnrollment,
    CloudAssignedTenantId: tenantId,
    CloudAssignedTenantDomain: domain,
    CloudAssignedAadServerData: aadServerData,
    CloudAssignedAutopilotUpdateDisabled: 1,
    CloudAssignedAutopilotUpdateTimeout: 1800000,
  };
}

/**
 * The file's bytes as text: indented JSON, ASCII only (any character beyond it is written
 * as a `\uXXXX` escape, a guard that `offlineProfileJson`'s output never needs). Save it
 * without a byte-order mark.
 */
export function offlineProfileText(file: AutopilotConfigurationFile): string {
  return JSON.stringify(file, null, 4).replace(
    /[^\x00-\x7f]/g, // eslint-disable-line no-control-regex -- ASCII is the range we keep
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
