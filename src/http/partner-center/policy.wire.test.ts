import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  defaultProfileSettings,
  deploymentModes,
  managedDesktopProfile,
  normaliseProfileSettings,
  oobeConfigBitmap,
  oobeUserTypes,
  type DeploymentProfileSettings,
} from '../../domain/deployment-profile.js';
import type { ProfileView } from '../../services/profiles.js';
import { refusal } from '../../../test/kit/refusal.js';
import {
  camelKeys,
  fromPartnerCenterPolicy,
  pcPolicySettingBits,
  pcPolicySettings,
  toPartnerCenterPolicy,
  type PcPolicySetting,
} from './policy.wire.js';

const ID = '2e4a0b5c-8d0f-4f6e-9a1b-3c5d7e9f1a2b';

function viewOf(settings: DeploymentProfileSettings): ProfileView {
  return {
    id: ID,
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

const wire = (settings: DeploymentProfileSettings, devicesAssigned = 3) =>
  JSON.parse(JSON.stringify(toPartnerCenterPolicy(viewOf(settings), devicesAssigned))) as Record<
    string,
    unknown
  >;

const trimmed = (max: number) =>
  fc.string({ unit: 'grapheme', maxLength: max }).map((s) => s.trim());

/** Settings a Partner Center policy can express: a name, a description and three OOBE flags. */
const pcSettingsArb = fc
  .record({
    displayName: trimmed(200).filter((s) => s !== ''),
    description: trimmed(1500),
    userType: fc.constantFrom(...oobeUserTypes),
    hidePrivacySettings: fc.boolean(),
    hideEula: fc.boolean(),
  })
  .map(({ displayName, description, ...oobe }) =>
    normaliseProfileSettings({
      ...defaultProfileSettings,
      displayName,
      description,
      oobe: { ...defaultProfileSettings.oobe, ...oobe },
    }),
  );

/** Any settings of our model (the Graph test builds the same within its constraints). */
const anySettingsArb = fc
  .record({
    base: pcSettingsArb,
    deploymentMode: fc.constantFrom(...deploymentModes),
    language: fc.constantFrom('os-default', 'en-US', 'de-DE'),
    deviceNameTemplate: fc.constantFrom(null, 'PC-%SERIAL%'),
    hideChangeAccountOptions: fc.boolean(),
    skipKeyboardSelection: fc.boolean(),
    hardwareHashExtractionEnabled: fc.boolean(),
  })
  .map(({ base, hideChangeAccountOptions, skipKeyboardSelection, ...rest }) =>
    normaliseProfileSettings({
      ...base,
      ...rest,
      oobe: { ...base.oobe, hideChangeAccountOptions, skipKeyboardSelection },
    }),
  );

const refused = (
  body: unknown,
  mode: 'create' | 'update' = 'create',
  current: Pick<ProfileView, 'id' | 'settings'> = { id: ID, settings: managedDesktopProfile },
) => refusal(() => fromPartnerCenterPolicy(body, mode, current));

const create = { name: 'Sales', category: 'o_o_b_e', policySettings: ['none'] };

describe(camelKeys.name, () => {
  it('lower-cases the first letter of every key, in nested objects and arrays', () => {
    expect(
      camelKeys({
        Name: 'x',
        PolicySettings: ['Skip_Eula'],
        Attributes: { ObjectType: 'ConfigurationPolicy' },
        Devices: [{ Policies: [{ Key: 'o_o_b_e', Value: null }] }],
        ID: 1,
      }),
    ).toEqual({
      name: 'x',
      policySettings: ['Skip_Eula'],
      attributes: { objectType: 'ConfigurationPolicy' },
      devices: [{ policies: [{ key: 'o_o_b_e', value: null }] }],
      iD: 1,
    });
    expect(camelKeys('Text')).toBe('Text');
    expect(camelKeys(new Date(0))).toEqual(new Date(0));
  });

  it('refuses two keys that fold to the same name', () => {
    const error = refusal(() => camelKeys({ Attributes: { ObjectType: 'a', objectType: 'b' } }));
    expect(error.details.field).toBe('attributes.objectType');
    expect(error.message).toContain('"ObjectType" and "objectType"');
  });
});

describe(toPartnerCenterPolicy.name, () => {
  it('writes the camelCase ConfigurationPolicy', () => {
    expect(toPartnerCenterPolicy(viewOf(managedDesktopProfile), 12)).toEqual({
      id: ID,
      name: 'Microsoft Managed Desktop',
      category: 'o_o_b_e',
      description: managedDesktopProfile.description,
      devicesAssigned: 12,
      policySettings: [
        'oobe_user_not_local_admin',
        'skip_express_settings',
        'skip_oem_registration',
        'skip_eula',
      ],
      createdDate: '2024-05-01T10:00:00.000Z',
      lastModifiedDate: '2024-05-02T11:30:00.000Z',
      attributes: { objectType: 'ConfigurationPolicy' },
    });
  });

  it('names skip_oem_registration always, since every profile skips OEM registration (bit 8)', () => {
    expect(wire({ ...defaultProfileSettings, displayName: 'x' }).policySettings).toEqual([
      'skip_oem_registration',
    ]);
  });

  it('names exactly the CloudAssignedOobeConfig bits the profile produces (1 to 16)', () => {
    fc.assert(
      fc.property(anySettingsArb, (settings) => {
        const bits = pcPolicySettings(settings).reduce((n, s) => n | pcPolicySettingBits[s], 0);
        expect(bits).toBe(oobeConfigBitmap(settings) & 0b11110);
      }),
    );
  });
});

describe('Partner Center policy round trip', () => {
  it('creates from a policy exactly the settings the policy was written from', () => {
    fc.assert(
      fc.property(pcSettingsArb, (settings) => {
        expect(fromPartnerCenterPolicy(wire(settings), 'create')).toEqual(settings);
      }),
      { numRuns: 200 },
    );
  });

  it('an echoed policy updates nothing, including settings Partner Center cannot show', () => {
    fc.assert(
      fc.property(anySettingsArb, (settings) => {
        const current = { id: ID, settings };
        expect(fromPartnerCenterPolicy(wire(settings), 'update', current)).toEqual(settings);
      }),
      { numRuns: 200 },
    );
  });

  it('a policy read back names what was sent, plus skip_oem_registration', () => {
    const flags = fc.subarray([
      'oobe_user_not_local_admin',
      'skip_express_settings',
      'skip_oem_registration',
      'skip_eula',
    ] as PcPolicySetting[]);
    fc.assert(
      fc.property(flags, (policySettings) => {
        const settings = fromPartnerCenterPolicy({ ...create, policySettings }, 'create');
        const back = pcPolicySettings(settings);
        expect(new Set(back)).toEqual(new Set([...policySettings, 'skip_oem_registration']));
        // The device gets every bit the policy names.
        const named = policySettings.reduce((n, s) => n | pcPolicySettingBits[s], 0);
        expect(oobeConfigBitmap(settings) & named).toBe(named);
      }),
    );
  });
});

describe(fromPartnerCenterPolicy.name, () => {
  it('reads the flags into the OOBE settings', () => {
    const settings = fromPartnerCenterPolicy(
      {
        ...create,
        description: 'Laptops',
        policySettings: ['oobe_user_not_local_admin', 'skip_express_settings', 'skip_eula'],
      },
      'create',
    );
    expect(settings).toEqual({
      ...defaultProfileSettings,
      displayName: 'Sales',
      description: 'Laptops',
      oobe: {
        ...defaultProfileSettings.oobe,
        userType: 'standard',
        hidePrivacySettings: true,
        hideEula: true,
      },
    });
  });

  it('takes none alone, no list, or skip_oem_registration alone as no flags', () => {
    const plain = { ...defaultProfileSettings, displayName: 'Sales' };
    expect(fromPartnerCenterPolicy(create, 'create')).toEqual(plain);
    expect(fromPartnerCenterPolicy({ name: 'Sales', category: 'o_o_b_e' }, 'create')).toEqual(
      plain,
    );
    expect(
      fromPartnerCenterPolicy({ ...create, policySettings: ['skip_oem_registration'] }, 'create'),
    ).toEqual(plain);
    expect(fromPartnerCenterPolicy({ ...create, policySettings: [] }, 'create')).toEqual(plain);
  });

  it('accepts the PascalCase body the .NET SDK sends, and SDK enum spellings', () => {
    const body = {
      Name: 'Policy for Autopilot',
      Category: 'OOBE',
      Description: 'Test Policy',
      PolicySettings: ['OobeUserNotLocalAdmin', 'skip_express_settings', 'SKIP_EULA'],
      Attributes: { ObjectType: 'ConfigurationPolicy' },
    };
    expect(fromPartnerCenterPolicy(body, 'create')).toEqual({
      ...defaultProfileSettings,
      displayName: 'Policy for Autopilot',
      description: 'Test Policy',
      oobe: {
        ...defaultProfileSettings.oobe,
        userType: 'standard',
        hidePrivacySettings: true,
        hideEula: true,
      },
    });
  });

  it('ignores read-only properties a client echoes, in either case, and the id on create', () => {
    const body = {
      ...create,
      Id: ID,
      DevicesAssigned: 4,
      devicesAssignedCount: 4,
      createdDate: '2019-01-01T00:00:00Z',
      LastModifiedDate: '2019-01-01T00:00:00Z',
    };
    expect(fromPartnerCenterPolicy(body, 'create').displayName).toBe('Sales');
  });

  it('merges an update onto the current profile', () => {
    const current = { id: ID, settings: managedDesktopProfile };
    expect(
      fromPartnerCenterPolicy({ Id: ID.toUpperCase(), Name: 'Renamed' }, 'update', current),
    ).toEqual({
      ...managedDesktopProfile,
      displayName: 'Renamed',
    });
    const cleared = fromPartnerCenterPolicy(
      { id: ID, name: 'Renamed', category: 'o_o_b_e', description: null, policySettings: ['none'] },
      'update',
      current,
    );
    expect(cleared).toEqual({
      ...managedDesktopProfile,
      displayName: 'Renamed',
      description: '',
      oobe: {
        ...managedDesktopProfile.oobe,
        userType: 'administrator',
        hidePrivacySettings: false,
        hideEula: false,
      },
    });
  });

  describe('refuses, naming the property', () => {
    it('remove_oem_preinstalls, which no profile can express', () => {
      const error = refused({ ...create, policySettings: ['skip_eula', 'remove_oem_preinstalls'] });
      expect(error.details.field).toBe('policySettings[1]');
      expect(error.message).toContain('remove_oem_preinstalls');
    });

    it('an unknown value, listing the valid ones', () => {
      const error = refused({ ...create, policySettings: ['skip_cortana'] });
      expect(error.details.field).toBe('policySettings[0]');
      expect(error.message).toContain('"skip_cortana"');
      expect(error.remedy).toContain(
        'none, oobe_user_not_local_admin, skip_express_settings, skip_oem_registration, skip_eula',
      );
    });

    it.each([
      [{ name: 'S', policySettings: [] }, 'category', 'category'],
      [{ ...create, category: 'none' }, 'category', 'none'],
      [{ ...create, category: 'o_s' }, 'category', 'o_s'],
      [{ category: 'o_o_b_e' }, 'name', 'name'],
      [{ ...create, name: '  ' }, 'name', 'name'],
      [{ ...create, name: 'x'.repeat(201) }, 'name', 'name'],
      [{ ...create, description: 'x'.repeat(1501) }, 'description', 'description'],
      [{ ...create, policySettings: 'skip_eula' }, 'policySettings', 'policySettings'],
      [{ ...create, policySettings: [16] }, 'policySettings[0]', '16'],
      [{ ...create, deploymentMode: 'selfDeploying' }, 'deploymentMode', 'deploymentMode'],
      [{ ...create, attributes: { objectType: 'Device' } }, 'attributes.objectType', 'Device'],
      [{ ...create, Name: 'Other' }, 'name', '"name" and "Name"'],
    ])('%j on create', (body, field, text) => {
      const error = refused(body);
      expect(error.code).toBe('input.invalid');
      expect(error.details.field).toBe(field);
      expect(error.message).toContain(text);
    });

    it.each([
      [{ id: 'another-id' }, 'id', 'another-id'],
      [{ Category: 'none' }, 'category', 'none'],
      [{ category: 'device' }, 'category', 'device'],
      [{ name: null }, 'name', 'name'],
    ])('%j on update', (body, field, text) => {
      const error = refused(body, 'update');
      expect(error.details.field).toBe(field);
      expect(error.message).toContain(text);
    });

    it('a body that is not an object', () => {
      expect(refused([create]).details.field).toBe('body');
      expect(refused('policy').details.field).toBe('body');
    });
  });
});
