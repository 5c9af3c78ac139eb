import { describe, expect, it } from 'vitest';
import { managedDesktopProfile, normaliseProfileSettings } from './deployment-profile.js';
import { refusal } from '../../test/kit/refusal.js';
import { offlineProfileJson, offlineProfileText } from './offline-profile.js';

const tenant = {
  id: '1537DE22-988C-4E93-B8A5-83890F34A69B',
  domain: 'M365x373186.onmicrosoft.com',
};
const profileId = '7f9e6025-1e13-45f3-bf82-a3e8c5b59eac';

describe(offlineProfileJson.name, () => {
  it('writes the file WindowsAutopilotIntune writes for a user-driven profile', () => {
    const settings = normaliseProfileSettings({
      displayName: 'Autopilot Profile',
      oobe: { hideEula: true, hidePrivacySettings: true, hideChangeAccountOptions: true },
    });
    const file = offlineProfileJson({ id: profileId, settings }, tenant);
    expect(file).toEqual({
      Comment_File: 'Profile Autopilot Profile',
      Version: 2049,
      ZtdCorrelationId: profileId,
      CloudAssignedDomainJoinMethod: 0,
      CloudAssignedOobeConfig: 8 + 256 + 4 + 16,
      CloudAssignedForcedEnrollment: 1,
      CloudAssignedTenantId: '1537de22-988c-4e93-b8a5-83890f34a69b',
      CloudAssignedTenantDomain: 'm365x373186.onmicrosoft.com',
      CloudAssignedAadServerData:
        '{"ZeroTouchConfig":{"CloudAssignedTenantUpn":"","ForcedEnrollment":1,"CloudAssignedTenantDomain":"m365x373186.onmicrosoft.com"}}',
      CloudAssignedAutopilotUpdateDisabled: 1,
      CloudAssignedAutopilotUpdateTimeout: 1800000,
    });
    expect(JSON.parse(file.CloudAssignedAadServerData)).toEqual({
      ZeroTouchConfig: {
        CloudAssignedTenantUpn: '',
        ForcedEnrollment: 1,
        CloudAssignedTenantDomain: 'm365x373186.onmicrosoft.com',
      },
    });
  });

  it('adds the device name template, and the language when keyboard selection is skipped', () => {
    const settings = {
      ...managedDesktopProfile,
      language: 'de-DE',
      deviceNameTemplate: 'MMD-%RAND:6%',
    };
    const file = offlineProfileJson({ id: profileId, settings }, tenant);
    expect(file.CloudAssignedDeviceName).toBe('MMD-%RAND:6%');
    expect(file.CloudAssignedLanguage).toBe('de-DE');
    expect(file.CloudAssignedOobeConfig).toBe(8 + 256 + 2 + 4 + 16 + 1024);
    expect(file.CloudAssignedForcedEnrollment).toBe(1);
  });

  it('marks hybrid join and leaves the optional properties out when unset', () => {
    const settings = normaliseProfileSettings({ displayName: 'Hybrid', joinType: 'hybrid' });
    const file = offlineProfileJson({ id: profileId, settings }, tenant);
    expect(file.CloudAssignedDomainJoinMethod).toBe(1);
    expect(file.CloudAssignedForcedEnrollment).toBe(0);
    expect(Object.keys(file)).not.toContain('CloudAssignedDeviceName');
    expect(Object.keys(file)).not.toContain('CloudAssignedLanguage');
  });

  it('uses a given device name and correlation id instead of the profile’s', () => {
    const file = offlineProfileJson({ id: profileId, settings: managedDesktopProfile }, tenant, {
      deviceName: 'LAB-07',
      correlationId: '{AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE}',
    });
    expect(file.CloudAssignedDeviceName).toBe('LAB-07');
    expect(file.ZtdCorrelationId).toBe('aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee');
  });

  it('derives a stable GUID from a profile id that is not one', () => {
    const first = offlineProfileJson({ id: 'prof_01HX', settings: managedDesktopProfile }, tenant);
    const again = offlineProfileJson({ id: 'prof_01HX', settings: managedDesktopProfile }, tenant);
    const other = offlineProfileJson({ id: 'prof_01HY', settings: managedDesktopProfile }, tenant);
    expect(first.ZtdCorrelationId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(again.ZtdCorrelationId).toBe(first.ZtdCorrelationId);
    expect(other.ZtdCorrelationId).not.toBe(first.ZtdCorrelationId);
  });

  it('folds a non-ASCII display name into an ASCII comment', () => {
    const settings = normaliseProfileSettings({ displayName: 'Vertrieb Köln – 東京' });
    const file = offlineProfileJson({ id: profileId, settings }, tenant);
    expect(file.Comment_File).toBe('Profile Vertrieb Koln ? ??');
  });

  it('refuses values the device could not use, naming the field', () => {
    const profile = { id: profileId, settings: managedDesktopProfile };
    expect(
      refusal(() => offlineProfileJson(profile, { ...tenant, id: 'contoso' })).details,
    ).toEqual({
      field: 'tenantId',
    });
    const idn = refusal(() => offlineProfileJson(profile, { ...tenant, domain: 'müller.de' }));
    expect(idn.details).toEqual({ field: 'tenantDomain' });
    expect(idn.message).toContain('outside ASCII');
    expect(idn.remedy).toContain('xn--');
    expect(
      refusal(() => offlineProfileJson(profile, tenant, { correlationId: 'x' })).details,
    ).toEqual({
      field: 'correlationId',
    });
    const name = refusal(() => offlineProfileJson(profile, tenant, { deviceName: 'Büro-1' }));
    expect(name.details).toEqual({ field: 'deviceName' });
  });

  it('refuses a device name for a hybrid profile', () => {
    const settings = normaliseProfileSettings({ displayName: 'Hybrid', joinType: 'hybrid' });
    const error = refusal(() =>
      offlineProfileJson({ id: profileId, settings }, tenant, { deviceName: 'PC-%SERIAL%' }),
    );
    expect(error.details).toEqual({ field: 'deviceName' });
    expect(error.message).toContain('Entra join only');
  });
});

describe(offlineProfileText.name, () => {
  it('writes ASCII-only JSON that reads back to the same file', () => {
    const file = offlineProfileJson({ id: profileId, settings: managedDesktopProfile }, tenant);
    const text = offlineProfileText(file);
    expect(text).toMatch(/^[\x20-\x7e\n]*$/);
    expect(JSON.parse(text)).toEqual(file);
  });

  it('escapes anything beyond ASCII rather than writing it', () => {
    const file = offlineProfileJson({ id: profileId, settings: managedDesktopProfile }, tenant);
    const text = offlineProfileText({ ...file, Comment_File: 'Köln' });
    expect(text).toContain('"K\\u00f6ln"');
    expect(JSON.parse(text).Comment_File).toBe('Köln');
  });
});
