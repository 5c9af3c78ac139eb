/**
 * Our profiles as Graph `windowsAutopilotDeploymentProfile` JSON.
 * @module
 */
import { graphDeploymentMode } from '../../domain/deployment-profile.js';
import type { ProfileView } from '../../services/profiles.js';
import { graphProfileTypes, type GraphVersion } from './profile.schema.js';

/**
 * A profile as Graph JSON. `beta` and `v1.0` get the same shape: the reference we follow
 * (API-FACTS §2.5, from the beta pages) records no v1.0 difference, and Graph clients
 * ignore properties they do not know, so one shape serves both; the parameter is there
 * for when a difference is found. `enrollmentStatusScreenSettings` is written as null:
 * we keep none on the profile.
 */
export function toGraphProfile(view: ProfileView, _version: GraphVersion): Record<string, unknown> {
  const { settings } = view;
  const { oobe } = settings;
  const { deviceUsageType, preprovisioningAllowed } = graphDeploymentMode(settings.deploymentMode);
  return {
    '@odata.type': graphProfileTypes[settings.joinType],
    id: view.id,
    displayName: view.displayName,
    description: view.description,
    language: settings.language,
    locale: settings.language,
    createdDateTime: view.createdAt,
    lastModifiedDateTime: view.updatedAt,
    outOfBoxExperienceSettings: {
      '@odata.type': 'microsoft.graph.outOfBoxExperienceSettings',
      hidePrivacySettings: oobe.hidePrivacySettings,
      hideEULA: oobe.hideEula,
      userType: oobe.userType,
      deviceUsageType,
      skipKeyboardSelectionPage: oobe.skipKeyboardSelection,
      hideEscapeLink: oobe.hideChangeAccountOptions,
    },
    outOfBoxExperienceSetting: {
      '@odata.type': 'microsoft.graph.outOfBoxExperienceSetting',
      privacySettingsHidden: oobe.hidePrivacySettings,
      eulaHidden: oobe.hideEula,
      userType: oobe.userType,
      deviceUsageType,
      keyboardSelectionPageSkipped: oobe.skipKeyboardSelection,
      escapeLinkHidden: oobe.hideChangeAccountOptions,
    },
    enrollmentStatusScreenSettings: null,
    extractHardwareHash: settings.hardwareHashExtractionEnabled,
    hardwareHashExtractionEnabled: settings.hardwareHashExtractionEnabled,
    deviceNameTemplate: settings.deviceNameTemplate ?? '',
    deviceType: 'windowsPc',
    enableWhiteGlove: preprovisioningAllowed,
    preprovisioningAllowed,
    roleScopeTagIds: ['0'],
    managementServiceAppId: null,
    ...(settings.joinType === 'hybrid' ? { hybridAzureADJoinSkipConnectivityCheck: false } : {}),
  };
}
