/**
 * The Graph `windowsAutopilotDeploymentProfile` body as a schema: what `/openapi.json`
 * documents and Fastify checks before `fromGraphProfile` reads it.
 * @module
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { JoinType } from '../../domain/deployment-profile.js';

/** The two concrete Graph subtypes, by our join type. */
export const graphProfileTypes = {
  entra: '#microsoft.graph.azureADWindowsAutopilotDeploymentProfile',
  hybrid: '#microsoft.graph.activeDirectoryWindowsAutopilotDeploymentProfile',
} as const satisfies Record<JoinType, string>;

/** Graph API versions we serve. Both get the same shape (see `toGraphProfile`). */
export type GraphVersion = 'beta' | 'v1.0';

// Null first: Fastify's Ajv coerces types, and would turn a null into false or "" if the
// boolean or string branch were tried first.
const nullable = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([Type.Null(), schema]));
const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

const userTypeSchema = literals(['administrator', 'standard', 'unknownFutureValue']);
const deviceUsageTypeSchema = literals(['singleUser', 'shared', 'unknownFutureValue']);

/**
 * The body of POST/PATCH `windowsAutopilotDeploymentProfiles` as Graph clients send it.
 * Every property is optional (PATCH) and others are let through to `fromGraphProfile`,
 * which refuses them by name: Ajv would otherwise strip or reject them less helpfully.
 */
export const graphProfileSchema = Type.Object(
  {
    '@odata.type': Type.Optional(literals(Object.values(graphProfileTypes))),
    '@odata.context': Type.Optional(Type.String()),
    id: nullable(Type.String({ description: 'Read-only; ignored.' })),
    createdDateTime: nullable(Type.String({ description: 'Read-only; ignored.' })),
    lastModifiedDateTime: nullable(Type.String({ description: 'Read-only; ignored.' })),
    displayName: nullable(Type.String({ description: '1 to 200 characters.' })),
    description: nullable(Type.String({ description: 'At most 1500 characters.' })),
    locale: nullable(Type.String({ description: 'os-default or a tag such as en-US.' })),
    language: nullable(Type.String({ description: 'Deprecated name of locale.' })),
    deviceNameTemplate: nullable(Type.String()),
    deviceType: nullable(
      literals([
        'windowsPc',
        'holoLens',
        'surfaceHub2',
        'surfaceHub2S',
        'virtualMachine',
        'unknownFutureValue',
      ]),
    ),
    preprovisioningAllowed: nullable(Type.Boolean()),
    enableWhiteGlove: nullable(Type.Boolean({ description: 'Deprecated name.' })),
    hardwareHashExtractionEnabled: nullable(Type.Boolean()),
    extractHardwareHash: nullable(Type.Boolean({ description: 'Deprecated name.' })),
    roleScopeTagIds: nullable(Type.Array(Type.String())),
    managementServiceAppId: nullable(Type.String()),
    hybridAzureADJoinSkipConnectivityCheck: nullable(Type.Boolean()),
    outOfBoxExperienceSetting: nullable(
      Type.Object(
        {
          privacySettingsHidden: nullable(Type.Boolean()),
          eulaHidden: nullable(Type.Boolean()),
          userType: nullable(userTypeSchema),
          deviceUsageType: nullable(deviceUsageTypeSchema),
          keyboardSelectionPageSkipped: nullable(Type.Boolean()),
          escapeLinkHidden: nullable(Type.Boolean()),
        },
        { additionalProperties: true },
      ),
    ),
    outOfBoxExperienceSettings: nullable(
      Type.Object(
        {
          hidePrivacySettings: nullable(Type.Boolean()),
          hideEULA: nullable(Type.Boolean()),
          userType: nullable(userTypeSchema),
          deviceUsageType: nullable(deviceUsageTypeSchema),
          skipKeyboardSelectionPage: nullable(Type.Boolean()),
          hideEscapeLink: nullable(Type.Boolean()),
        },
        {
          additionalProperties: true,
          description: 'Deprecated name of outOfBoxExperienceSetting.',
        },
      ),
    ),
    enrollmentStatusScreenSettings: nullable(
      Type.Object({}, { additionalProperties: true, description: 'Accepted only as defaults.' }),
    ),
  },
  { additionalProperties: true },
);

/** A Graph profile body as the schema admits it. */
export type GraphProfileBody = Static<typeof graphProfileSchema>;
