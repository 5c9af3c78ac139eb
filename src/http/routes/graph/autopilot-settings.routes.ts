import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../../context.js';
import { noDate } from '../../graph/autopilot-device.wire.js';
import { contextUrl, readODataQuery, type GraphVersion } from '../../graph/odata.js';
import { caller, graphConfig, graphErrors, graphSchema } from './graph.route-kit.js';

const resource = 'deviceManagement/windowsAutopilotSettings';

/**
 * `deviceManagement/windowsAutopilotSettings` and its `sync` action (API-FACTS §2.4).
 * Intune syncs its view of devices from the Autopilot service; Preflight's devices are
 * visible the moment they are registered, so there is never anything to sync: the state
 * reads `completed` and `sync` succeeds at once. Microsoft's import scripts
 * (WindowsAutopilotIntune, Get-WindowsAutopilotInfo -Online) call `sync` after importing,
 * so it must answer 204 rather than 404.
 */
export function autopilotSettingsRoutes(context: ApiContext, version: GraphVersion) {
  const { deps } = context;
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      `/${resource}`,
      {
        config: graphConfig('read'),
        schema: graphSchema({
          summary: 'Autopilot sync state (always completed: nothing to sync)',
          response: {
            200: Type.Object(
              {
                '@odata.context': Type.String(),
                '@odata.type': Type.String(),
                id: Type.String(),
                lastSyncDateTime: Type.String(),
                lastManualSyncTriggerDateTime: Type.String(),
                syncStatus: Type.String(),
              },
              { additionalProperties: true },
            ),
            ...graphErrors,
          },
        }),
      },
      async (request) => {
        const { customer } = caller(request);
        readODataQuery(request.query, []);
        return {
          '@odata.context': contextUrl(deps.settings.publicUrl, version, `${resource}/$entity`),
          '@odata.type': '#microsoft.graph.windowsAutopilotSettings',
          id: customer,
          lastSyncDateTime: deps.clock.now().toISOString(),
          lastManualSyncTriggerDateTime: noDate,
          syncStatus: 'completed',
        };
      },
    );

    app.post(
      `/${resource}/sync`,
      {
        config: graphConfig('write'),
        schema: graphSchema({
          summary: 'Sync Autopilot devices (nothing to do: answers 204 at once)',
          response: { 204: Type.Null(), ...graphErrors },
        }),
      },
      async (_request, reply) => reply.status(204).send(),
    );
  };
}
