import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { offlineProfileText } from '../../../domain/offline-profile.js';
import { lookupFirstBoot } from '../../../services/first-boot.js';
import { offlineConfiguration } from '../../../services/offline-profile.js';
import { principalOf } from '../../access/route-access.js';
import type { ApiContext } from '../../context.js';
import { sendProblem } from '../../errors.js';

const lookupBody = Type.Object(
  {
    // No maxLength: the route's body limit bounds it, and counting code points of a 4000-
    // character hash on every lookup was a measurable share of the route's cost.
    hardwareHash: Type.Optional(Type.String()),
    manufacturer: Type.Optional(Type.String({ maxLength: 256 })),
    model: Type.Optional(Type.String({ maxLength: 256 })),
    serialNumber: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);

/** `AutopilotConfigurationFile.json`, as the device reads it. */
const configurationFile = Type.Object(
  {
    Comment_File: Type.String(),
    Version: Type.Literal(2049),
    ZtdCorrelationId: Type.String(),
    CloudAssignedDomainJoinMethod: Type.Integer(),
    CloudAssignedDeviceName: Type.Optional(Type.String()),
    CloudAssignedOobeConfig: Type.Integer(),
    CloudAssignedLanguage: Type.Optional(Type.String()),
    CloudAssignedForcedEnrollment: Type.Integer(),
    CloudAssignedTenantId: Type.String(),
    CloudAssignedTenantDomain: Type.String(),
    CloudAssignedAadServerData: Type.String(),
    CloudAssignedAutopilotUpdateDisabled: Type.Integer(),
    CloudAssignedAutopilotUpdateTimeout: Type.Integer(),
  },
  { additionalProperties: false },
);

/**
 * First boot: the device presents its hardware hash (its proof; no token) and gets its
 * profile file, or a 404 that is the same for an unknown device and for one without a
 * profile. Rate-limited per source address (`device` access). Plus the same file per
 * profile for offline use.
 */
export function firstBootRoutes(context: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post<{
      Body: { hardwareHash?: string; manufacturer?: string; model?: string; serialNumber?: string };
    }>(
      '/firstboot/v1/lookup',
      {
        config: { access: { kind: 'device' }, wire: 'preflight' },
        bodyLimit: 64 * 1024,
        schema: {
          summary: 'First boot: the profile assigned to this device',
          description:
            'Send the device hardwareHash (or manufacturer, model and serialNumber exactly as registered). The answer is AutopilotConfigurationFile.json, or 404 when there is nothing to apply — the same for an unregistered device, so the answer reveals nothing about other hashes.',
          tags: ['first-boot'],
          body: lookupBody,
          response: { 200: configurationFile },
        },
      },
      async (request, reply) => {
        const answer = await lookupFirstBoot(context.deps, request.body);
        if (!answer.found) {
          sendProblem(request, reply, {
            status: 404,
            code: 'device.not_registered',
            message: 'No deployment profile is assigned to this device.',
            remedy:
              'Windows runs its default setup. If the device should have a profile, ask its partner or OEM to register it and its customer to assign a profile.',
          });
          return reply;
        }
        void reply.header('cache-control', 'no-store');
        return answer.configuration;
      },
    );

    app.get<{ Params: { profileId: string } }>(
      '/preflight/v1/deploymentProfiles/:profileId/AutopilotConfigurationFile.json',
      {
        config: {
          access: { kind: 'client', callers: 'any', permission: 'read', customer: 'token' },
          wire: 'preflight',
        },
        schema: {
          summary: 'Download a profile as AutopilotConfigurationFile.json (offline use)',
          tags: ['first-boot'],
          params: Type.Object({ profileId: Type.String({ maxLength: 200 }) }),
          response: { 200: configurationFile },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const { file } = await offlineConfiguration(
          context.deps,
          principal.actor,
          request.params.profileId,
          principal.customerId,
        );
        // ASCII only, no byte-order mark: the device reads the file as ANSI.
        return reply
          .header('content-type', 'application/json; charset=us-ascii')
          .header('content-disposition', 'attachment; filename="AutopilotConfigurationFile.json"')
          .send(offlineProfileText(file));
      },
    );
  };
}
