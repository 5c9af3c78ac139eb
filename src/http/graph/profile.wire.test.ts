import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  defaultProfileSettings,
  deploymentModes,
  managedDesktopProfile,
  normaliseProfileSettings,
  oobeUserTypes,
  type DeploymentProfileSettings,
} from '../../domain/deployment-profile.js';
import type { ProfileView } from '../../services/profiles.js';
import { refusal } from '../../../test/kit/refusal.js';
import { Value } from '@sinclair/typebox/value';
import {
  fromGraphProfile,
  graphProfileSchema,
  graphProfileTypes,
  toGraphProfile,
} from './profile.wire.js';

const ENTRA = graphProfileTypes.entra;
const HYBRID = graphProfileTypes.hybrid;

function viewOf(settings: DeploymentProfileSettings, id = 'p-1'): ProfileView {
  return {
    id,
    customerOrgId: 'org-1',
    displayName: settings.displayName,
    description: settings.description,
    builtIn: false,
    managedByOrgId: null,
    settings,
    createdAt: '2024-05-01T10:00:00.000Z',
    updatedAt: '2024-05-02T11:30:00.000Z',
  };
}

/** What a client receives: the JSON text, parsed. */
const wire = (settings: DeploymentProfileSettings, version: 'beta' | 'v1.0' = 'beta') =>
  JSON.parse(JSON.stringify(toGraphProfile(viewOf(settings), version))) as Record<string, unknown>;

const trimmed = (max: number, minLength = 0) =>
  fc.string({ unit: 'grapheme', minLength, maxLength: max }).map((s) => s.trim());

/** Any settings our model holds, built within its constraints and checked by the model itself. */
const settingsArb: fc.Arbitrary<DeploymentProfileSettings> = fc
  .constantFrom('entra' as const, 'hybrid' as const)
  .chain((joinType) =>
    fc.record({
      displayName: trimmed(200, 1).filter((s) => s !== ''),
      description: trimmed(1500),
      deploymentMode:
        joinType === 'hybrid'
          ? fc.constantFrom('userDriven' as const, 'preProvisioned' as const)
          : fc.constantFrom(...deploymentModes),
      joinType: fc.constant(joinType),
      language: fc.constantFrom('os-default', 'en-US', 'de-DE', 'sr-Latn-RS', 'es-419', 'zh-Hant'),
      deviceNameTemplate:
        joinType === 'hybrid'
          ? fc.constant(null)
          : fc.constantFrom(null, 'CONTOSO-%RAND:5%', '%SERIAL%', 'PC-%SERIAL%', 'LAB%RAND:4%'),
      oobe: fc.record({
        hideEula: fc.boolean(),
        hidePrivacySettings: fc.boolean(),
        hideChangeAccountOptions: fc.boolean(),
        userType: fc.constantFrom(...oobeUserTypes),
        skipKeyboardSelection: fc.boolean(),
      }),
      hardwareHashExtractionEnabled: fc.boolean(),
    }),
  )
  .map((raw) => {
    const settings = normaliseProfileSettings(raw);
    expect(settings).toEqual(raw); // the arbitrary yields canonical settings only
    return settings;
  });

const DEPRECATED = [
  'language',
  'outOfBoxExperienceSettings',
  'extractHardwareHash',
  'enableWhiteGlove',
];
const CURRENT = [
  'locale',
  'outOfBoxExperienceSetting',
  'hardwareHashExtractionEnabled',
  'preprovisioningAllowed',
];
const without = (json: Record<string, unknown>, keys: string[]) =>
  Object.fromEntries(Object.entries(json).filter(([k]) => !keys.includes(k)));

const refused = (
  body: unknown,
  mode: 'create' | 'update' = 'create',
  current?: DeploymentProfileSettings,
) => refusal(() => fromGraphProfile(body, mode, current));

describe('Graph profile round trip', () => {
  it('reads back every setting it wrote, whichever property names the client keeps', () => {
    fc.assert(
      fc.property(settingsArb, (settings) => {
        const json = wire(settings);
        expect(fromGraphProfile(json, 'create')).toEqual(settings);
        expect(fromGraphProfile(without(json, DEPRECATED), 'create')).toEqual(settings);
        expect(fromGraphProfile(without(json, CURRENT), 'create')).toEqual(settings);
      }),
      { numRuns: 300 },
    );
  });

  it('a full body replaces every setting of the profile it updates', () => {
    fc.assert(
      fc.property(settingsArb, settingsArb, (next, current) => {
        fc.pre(next.joinType === current.joinType);
        expect(fromGraphProfile(wire(next), 'update', current)).toEqual(next);
      }),
      { numRuns: 200 },
    );
  });

  it('an empty PATCH keeps the profile as it is', () => {
    fc.assert(
      fc.property(settingsArb, (current) => {
        expect(fromGraphProfile({}, 'update', current)).toEqual(current);
      }),
    );
  });
});

describe(toGraphProfile.name, () => {
  it('writes both the current and the deprecated names, consistently', () => {
    expect(toGraphProfile(viewOf(managedDesktopProfile, 'mmd'), 'beta')).toEqual({
      '@odata.type': ENTRA,
      id: 'mmd',
      displayName: 'Microsoft Managed Desktop',
      description: managedDesktopProfile.description,
      language: 'os-default',
      locale: 'os-default',
      createdDateTime: '2024-05-01T10:00:00.000Z',
      lastModifiedDateTime: '2024-05-02T11:30:00.000Z',
      outOfBoxExperienceSettings: {
        '@odata.type': 'microsoft.graph.outOfBoxExperienceSettings',
        hidePrivacySettings: true,
        hideEULA: true,
        userType: 'standard',
        deviceUsageType: 'singleUser',
        skipKeyboardSelectionPage: true,
        hideEscapeLink: true,
      },
      outOfBoxExperienceSetting: {
        '@odata.type': 'microsoft.graph.outOfBoxExperienceSetting',
        privacySettingsHidden: true,
        eulaHidden: true,
        userType: 'standard',
        deviceUsageType: 'singleUser',
        keyboardSelectionPageSkipped: true,
        escapeLinkHidden: true,
      },
      enrollmentStatusScreenSettings: null,
      extractHardwareHash: false,
      hardwareHashExtractionEnabled: false,
      deviceNameTemplate: '',
      deviceType: 'windowsPc',
      enableWhiteGlove: false,
      preprovisioningAllowed: false,
      roleScopeTagIds: ['0'],
      managementServiceAppId: null,
    });
  });

  it('maps the deployment mode to deviceUsageType and preprovisioningAllowed', () => {
    const base = { ...defaultProfileSettings, displayName: 'x' };
    const modes = deploymentModes.map((deploymentMode) => {
      const json = wire({ ...base, deploymentMode });
      const oobe = json.outOfBoxExperienceSetting as Record<string, unknown>;
      return [
        deploymentMode,
        oobe.deviceUsageType,
        json.preprovisioningAllowed,
        json.enableWhiteGlove,
      ];
    });
    expect(modes).toEqual([
      ['userDriven', 'singleUser', false, false],
      ['selfDeploying', 'shared', false, false],
      ['preProvisioned', 'singleUser', true, true],
    ]);
  });

  it('gives hybrid profiles their subtype and connectivity-check flag', () => {
    const json = wire({ ...defaultProfileSettings, displayName: 'x', joinType: 'hybrid' });
    expect(json['@odata.type']).toBe(HYBRID);
    expect(json.hybridAzureADJoinSkipConnectivityCheck).toBe(false);
    expect(wire({ ...defaultProfileSettings, displayName: 'x' })).not.toHaveProperty(
      'hybridAzureADJoinSkipConnectivityCheck',
    );
  });

  it('writes what graphProfileSchema admits, so a client can send it back', () => {
    fc.assert(
      fc.property(settingsArb, (s) => {
        expect(Value.Check(graphProfileSchema, wire(s))).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('serves v1.0 the same shape as beta', () => {
    fc.assert(
      fc.property(settingsArb, (s) => {
        expect(wire(s, 'v1.0')).toEqual(wire(s, 'beta'));
      }),
      { numRuns: 20 },
    );
  });
});

describe(fromGraphProfile.name, () => {
  const named = { '@odata.type': ENTRA, displayName: 'Sales' };

  it('reads a minimal create body with the reference defaults', () => {
    expect(fromGraphProfile(named, 'create')).toEqual({
      ...defaultProfileSettings,
      displayName: 'Sales',
    });
    expect(fromGraphProfile({ displayName: 'Sales' }, 'create').joinType).toBe('entra');
    expect(fromGraphProfile({ '@odata.type': HYBRID, displayName: 'S' }, 'create').joinType).toBe(
      'hybrid',
    );
  });

  it('ignores read-only properties a client echoes back', () => {
    const body = {
      ...named,
      '@odata.context':
        'https://graph.microsoft.com/beta/$metadata#deviceManagement/windowsAutopilotDeploymentProfiles/$entity',
      id: 'whatever',
      createdDateTime: '2020-01-01T00:00:00Z',
      lastModifiedDateTime: '2020-01-01T00:00:00Z',
    };
    expect(fromGraphProfile(body, 'create')).toEqual({
      ...defaultProfileSettings,
      displayName: 'Sales',
    });
  });

  it('accepts unsupported properties that hold their defaults, and nulls', () => {
    const body = {
      ...named,
      deviceType: 'windowsPc',
      roleScopeTagIds: ['0'],
      managementServiceAppId: null,
      hybridAzureADJoinSkipConnectivityCheck: false,
      enrollmentStatusScreenSettings: {
        '@odata.type': 'microsoft.graph.windowsEnrollmentStatusScreenSettings',
        hideInstallationProgress: false,
        customErrorMessage: null,
        installProgressTimeoutInMinutes: 0,
      },
      somethingNew: null,
      outOfBoxExperienceSetting: {
        '@odata.type': '#microsoft.graph.outOfBoxExperienceSetting',
        eulaHidden: null,
      },
    };
    expect(fromGraphProfile(body, 'create')).toEqual({
      ...defaultProfileSettings,
      displayName: 'Sales',
    });
  });

  it('maps every combination of deviceUsageType and preprovisioningAllowed it can express', () => {
    const mode = (deviceUsageType: string, preprovisioningAllowed: boolean) =>
      fromGraphProfile(
        { ...named, outOfBoxExperienceSetting: { deviceUsageType }, preprovisioningAllowed },
        'create',
      ).deploymentMode;
    expect(mode('singleUser', false)).toBe('userDriven');
    expect(mode('shared', false)).toBe('selfDeploying');
    expect(mode('singleUser', true)).toBe('preProvisioned');
  });

  it('merges a PATCH onto the current settings, nested objects field by field', () => {
    const current = { ...managedDesktopProfile, deploymentMode: 'preProvisioned' as const };
    const result = fromGraphProfile(
      { outOfBoxExperienceSetting: { eulaHidden: false }, description: null },
      'update',
      current,
    );
    expect(result).toEqual({
      ...current,
      description: '',
      oobe: { ...current.oobe, hideEula: false },
    });
    expect(fromGraphProfile({ enableWhiteGlove: false }, 'update', current).deploymentMode).toBe(
      'userDriven',
    );
    expect(fromGraphProfile({ locale: 'EN-us' }, 'update', current).language).toBe('en-US');
    expect(
      fromGraphProfile({ locale: '' }, 'update', { ...current, language: 'de-DE' }).language,
    ).toBe('os-default');
    expect(
      fromGraphProfile({ deviceNameTemplate: '' }, 'update', {
        ...current,
        deviceNameTemplate: 'PC-%SERIAL%',
      }).deviceNameTemplate,
    ).toBeNull();
  });

  it('accepts the same value under both names, and null beside a value', () => {
    const body = {
      ...named,
      locale: 'en-us',
      language: 'en-US',
      hardwareHashExtractionEnabled: true,
      extractHardwareHash: null,
      outOfBoxExperienceSetting: { userType: 'standard' },
      outOfBoxExperienceSettings: { userType: 'standard', hideEULA: true },
    };
    const settings = fromGraphProfile(body, 'create');
    expect(settings.language).toBe('en-US');
    expect(settings.hardwareHashExtractionEnabled).toBe(true);
    expect(settings.oobe).toMatchObject({ userType: 'standard', hideEula: true });
  });

  describe('refuses, naming the Graph property', () => {
    it.each([
      [{ locale: 'en-US', language: 'de-DE' }, 'locale', 'language'],
      [
        { hardwareHashExtractionEnabled: true, extractHardwareHash: false },
        'hardwareHashExtractionEnabled',
        'extractHardwareHash',
      ],
      [
        { preprovisioningAllowed: true, enableWhiteGlove: false },
        'preprovisioningAllowed',
        'enableWhiteGlove',
      ],
      [
        {
          outOfBoxExperienceSetting: { eulaHidden: true },
          outOfBoxExperienceSettings: { hideEULA: false },
        },
        'outOfBoxExperienceSetting.eulaHidden',
        'outOfBoxExperienceSettings.hideEULA',
      ],
      [
        {
          outOfBoxExperienceSetting: { userType: 'standard' },
          outOfBoxExperienceSettings: { userType: 'administrator' },
        },
        'outOfBoxExperienceSetting.userType',
        'outOfBoxExperienceSettings.userType',
      ],
      [
        {
          outOfBoxExperienceSetting: { deviceUsageType: 'shared' },
          outOfBoxExperienceSettings: { deviceUsageType: 'singleUser' },
        },
        'outOfBoxExperienceSetting.deviceUsageType',
        'outOfBoxExperienceSettings.deviceUsageType',
      ],
    ])('a property and its deprecated name with different values: %j', (body, now, old) => {
      const error = refused({ ...named, ...body });
      expect(error.details.field).toBe(now);
      expect(error.message).toContain(now);
      expect(error.message).toContain(old);
      expect(error.message).toContain('different values');
    });

    it('self-deploying with pre-provisioning, which our model cannot express', () => {
      const error = refused({
        ...named,
        outOfBoxExperienceSetting: { deviceUsageType: 'shared' },
        preprovisioningAllowed: true,
      });
      expect(error.details.field).toBe('preprovisioningAllowed');
      expect(error.message).toContain('outOfBoxExperienceSetting.deviceUsageType');
      expect(error.message).toContain('preprovisioningAllowed');
      // The same combination reached by a PATCH of one half.
      const selfDeploying = {
        ...defaultProfileSettings,
        displayName: 'K',
        deploymentMode: 'selfDeploying' as const,
      };
      expect(refused({ enableWhiteGlove: true }, 'update', selfDeploying).details.field).toBe(
        'enableWhiteGlove',
      );
      const preProvisioned = { ...selfDeploying, deploymentMode: 'preProvisioned' as const };
      const half = refused(
        { outOfBoxExperienceSettings: { deviceUsageType: 'shared' } },
        'update',
        preProvisioned,
      );
      expect(half.details.field).toBe('outOfBoxExperienceSettings.deviceUsageType');
      expect(half.message).toContain('preprovisioningAllowed');
    });

    it('self-deploying hybrid join', () => {
      const error = refused({
        '@odata.type': HYBRID,
        displayName: 'x',
        outOfBoxExperienceSetting: { deviceUsageType: 'shared' },
      });
      expect(error.details.field).toBe('@odata.type');
      expect(error.message).toContain('deviceUsageType');
    });

    it('a device name template on hybrid join', () => {
      const error = refused({
        '@odata.type': HYBRID,
        displayName: 'x',
        deviceNameTemplate: 'PC-%SERIAL%',
      });
      expect(error.details.field).toBe('deviceNameTemplate');
    });

    it.each([
      [{ deviceType: 'holoLens' }, 'deviceType'],
      [{ deviceType: 'virtualMachine' }, 'deviceType'],
      [{ roleScopeTagIds: ['0', '7'] }, 'roleScopeTagIds'],
      [
        { managementServiceAppId: 'b90e5e0f-0000-0000-0000-000000000000' },
        'managementServiceAppId',
      ],
      [{ hybridAzureADJoinSkipConnectivityCheck: true }, 'hybridAzureADJoinSkipConnectivityCheck'],
      [
        { enrollmentStatusScreenSettings: { hideInstallationProgress: true } },
        'enrollmentStatusScreenSettings.hideInstallationProgress',
      ],
      [
        { enrollmentStatusScreenSettings: { installProgressTimeoutInMinutes: 60 } },
        'enrollmentStatusScreenSettings.installProgressTimeoutInMinutes',
      ],
      [{ 'assignments@odata.bind': ['x'] }, 'assignments@odata.bind'],
      [{ surprise: 1 }, 'surprise'],
      [
        { outOfBoxExperienceSetting: { autopilotReset: true } },
        'outOfBoxExperienceSetting.autopilotReset',
      ],
      [
        { outOfBoxExperienceSettings: { '@odata.type': 'microsoft.graph.other' } },
        'outOfBoxExperienceSettings.@odata.type',
      ],
      [
        { outOfBoxExperienceSetting: { userType: 'unknownFutureValue' } },
        'outOfBoxExperienceSetting.userType',
      ],
      [
        { outOfBoxExperienceSettings: { deviceUsageType: 'unknownFutureValue' } },
        'outOfBoxExperienceSettings.deviceUsageType',
      ],
      [
        { outOfBoxExperienceSetting: { eulaHidden: 'yes' } },
        'outOfBoxExperienceSetting.eulaHidden',
      ],
      [{ outOfBoxExperienceSetting: true }, 'outOfBoxExperienceSetting'],
      [{ preprovisioningAllowed: 'true' }, 'preprovisioningAllowed'],
      [{ '@odata.type': '#microsoft.graph.windowsAutopilotDeploymentProfile' }, '@odata.type'],
      [{ locale: 'English' }, 'locale'],
      [{ language: 'English' }, 'language'],
      [{ displayName: '' }, 'displayName'],
      [{ displayName: null }, 'displayName'],
      [{ description: 'x'.repeat(1501) }, 'description'],
      [{ description: 5 }, 'description'],
      [{ deviceNameTemplate: 'MY NAME' }, 'deviceNameTemplate'],
    ])('%j', (body, field) => {
      const error = refused({ ...named, ...body });
      expect(error.code).toBe('input.invalid');
      expect(error.details.field).toBe(field);
      expect(error.message).toContain(field);
    });

    it('a body without a name, or not an object', () => {
      expect(refused({ '@odata.type': ENTRA }).details.field).toBe('displayName');
      expect(refused(null).details.field).toBe('body');
      expect(refused([named]).details.field).toBe('body');
    });

    it('a PATCH that changes the subtype', () => {
      const error = refused({ '@odata.type': HYBRID }, 'update', managedDesktopProfile);
      expect(error.details.field).toBe('@odata.type');
      expect(error.message).toContain(ENTRA);
    });
  });
});
