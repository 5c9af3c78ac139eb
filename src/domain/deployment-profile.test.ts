import { describe, expect, it } from 'vitest';
import {
  checkDeviceNameTemplate,
  defaultProfileSettings,
  DEVICE_NAME_MAX_LENGTH,
  expandDeviceName,
  graphDeploymentMode,
  managedDesktopGroupTag,
  managedDesktopProfile,
  normaliseProfileSettings,
  oobeConfigBitmap,
  type DeploymentProfileInput,
} from './deployment-profile.js';
import * as deviceNameTemplate from './device-name-template.js';
import { refusal } from '../../test/kit/refusal.js';

const refused = (input: DeploymentProfileInput) => refusal(() => normaliseProfileSettings(input));

describe(normaliseProfileSettings.name, () => {
  it("fills in the reference's defaults around a name", () => {
    expect(normaliseProfileSettings({ displayName: '  Sales laptops ' })).toEqual({
      ...defaultProfileSettings,
      displayName: 'Sales laptops',
    });
  });

  it('keeps every setting given, in canonical spelling', () => {
    const settings = normaliseProfileSettings({
      displayName: 'Kiosks',
      description: 'Front desk',
      deploymentMode: 'SelfDeploying',
      joinType: 'entra',
      language: 'sr-latn-rs',
      deviceNameTemplate: 'KIOSK-%RAND:4%',
      oobe: { hideEula: true, userType: 'Standard', skipKeyboardSelection: true },
      hardwareHashExtractionEnabled: true,
    });
    expect(settings).toEqual({
      displayName: 'Kiosks',
      description: 'Front desk',
      deploymentMode: 'selfDeploying',
      joinType: 'entra',
      language: 'sr-Latn-RS',
      deviceNameTemplate: 'KIOSK-%RAND:4%',
      oobe: {
        hideEula: true,
        hidePrivacySettings: false,
        hideChangeAccountOptions: false,
        userType: 'standard',
        skipKeyboardSelection: true,
      },
      hardwareHashExtractionEnabled: true,
    });
  });

  it('accepts the settings it produced (a stored profile merged with a change)', () => {
    const merged = { ...managedDesktopProfile, description: 'Ours now' };
    expect(normaliseProfileSettings(merged)).toEqual(merged);
  });

  it('refuses a missing or over-long display name and an over-long description', () => {
    expect(refused({}).details).toEqual({ field: 'displayName' });
    expect(refused({ displayName: '   ' }).message).toBe('A profile needs a display name.');
    expect(refused({ displayName: 'x'.repeat(201) }).message).toContain('at most 200');
    expect(normaliseProfileSettings({ displayName: 'x'.repeat(200) }).displayName).toHaveLength(
      200,
    );
    const long = refused({ displayName: 'P', description: 'd'.repeat(1501) });
    expect(long.details).toEqual({ field: 'description' });
  });

  it('names the field and the allowed values when a choice is wrong', () => {
    const error = refused({ displayName: 'P', deploymentMode: 'kiosk' });
    expect(error.details).toEqual({ field: 'deploymentMode' });
    expect(error.remedy).toBe('Use one of: userDriven, selfDeploying, preProvisioned.');
    expect(refused({ displayName: 'P', oobe: { userType: 'guest' } }).details).toEqual({
      field: 'oobe.userType',
    });
    expect(refused({ displayName: 'P', oobe: { hideEula: 'yes' } }).message).toBe(
      'oobe.hideEula must be true or false, not "yes".',
    );
  });

  it('refuses unknown settings instead of silently using the default', () => {
    const error = refusal(() =>
      normaliseProfileSettings({
        displayName: 'P',
        oobe: { hideEULA: true },
      } as DeploymentProfileInput),
    );
    expect(error.details).toEqual({ field: 'oobe.hideEULA' });
    expect(error.remedy).toContain('oobe.hideEula');
  });

  it('accepts os-default and language tags, and refuses anything else', () => {
    expect(normaliseProfileSettings({ displayName: 'P', language: 'EN-us' }).language).toBe(
      'en-US',
    );
    expect(normaliseProfileSettings({ displayName: 'P', language: 'es-419' }).language).toBe(
      'es-419',
    );
    expect(normaliseProfileSettings({ displayName: 'P', language: 'OS-Default' }).language).toBe(
      'os-default',
    );
    for (const language of ['English', 'en_US', 'en-USA', '']) {
      const error = refused({ displayName: 'P', language });
      expect(error.details).toEqual({ field: 'language' });
      expect(error.remedy).toContain('en-US');
    }
  });

  it('refuses a device name template on a hybrid-joined profile, saying why', () => {
    const error = refused({
      displayName: 'P',
      joinType: 'hybrid',
      deviceNameTemplate: 'PC-%SERIAL%',
    });
    expect(error.details).toEqual({ field: 'deviceNameTemplate' });
    expect(error.message).toContain('Entra join only');
    expect(
      normaliseProfileSettings({ displayName: 'P', joinType: 'hybrid' }).deviceNameTemplate,
    ).toBeNull();
  });

  it('refuses self-deploying mode with hybrid join', () => {
    const error = refused({
      displayName: 'P',
      deploymentMode: 'selfDeploying',
      joinType: 'hybrid',
    });
    expect(error.details).toEqual({ field: 'joinType' });
  });

  it('treats an empty template as none', () => {
    expect(
      normaliseProfileSettings({ displayName: 'P', deviceNameTemplate: '' }).deviceNameTemplate,
    ).toBeNull();
  });
});

describe(oobeConfigBitmap.name, () => {
  it('computes the bits as WindowsAutopilotIntune does', () => {
    const plain = normaliseProfileSettings({ displayName: 'P' });
    expect(oobeConfigBitmap(plain)).toBe(8 + 256);
    // standard user 2, privacy 4, EULA 16, keyboard 1024
    expect(oobeConfigBitmap(managedDesktopProfile)).toBe(8 + 256 + 2 + 4 + 16 + 1024);
    const kiosk = normaliseProfileSettings({ displayName: 'K', deploymentMode: 'selfDeploying' });
    expect(oobeConfigBitmap(kiosk)).toBe(8 + 256 + 32 + 64);
  });
});

describe(graphDeploymentMode.name, () => {
  it('maps each mode to Graph usage type and pre-provisioning', () => {
    expect(graphDeploymentMode('userDriven')).toEqual({
      deviceUsageType: 'singleUser',
      preprovisioningAllowed: false,
    });
    expect(graphDeploymentMode('selfDeploying')).toEqual({
      deviceUsageType: 'shared',
      preprovisioningAllowed: false,
    });
    expect(graphDeploymentMode('preProvisioned')).toEqual({
      deviceUsageType: 'singleUser',
      preprovisioningAllowed: true,
    });
  });
});

describe('managedDesktopProfile', () => {
  it('is the built-in Microsoft Managed Desktop profile for its tag', () => {
    expect(managedDesktopGroupTag).toBe('Microsoft365Managed_Autopilot');
    expect(managedDesktopProfile).toMatchObject({
      displayName: 'Microsoft Managed Desktop',
      deploymentMode: 'userDriven',
      joinType: 'entra',
      language: 'os-default',
      oobe: {
        hideEula: true,
        hidePrivacySettings: true,
        hideChangeAccountOptions: true,
        userType: 'standard',
        skipKeyboardSelection: true,
      },
    });
    expect(Object.isFrozen(managedDesktopProfile.oobe)).toBe(true);
  });
});

describe('device-name template re-exports', () => {
  it('offers the names that moved to device-name-template.ts from this module too', () => {
    expect(checkDeviceNameTemplate).toBe(deviceNameTemplate.checkDeviceNameTemplate);
    expect(expandDeviceName).toBe(deviceNameTemplate.expandDeviceName);
    expect(DEVICE_NAME_MAX_LENGTH).toBe(deviceNameTemplate.DEVICE_NAME_MAX_LENGTH);
  });
});
