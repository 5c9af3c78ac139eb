import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../../context.js';
import { graphVersions } from '../../graph/odata.js';
import { autopilotDeviceRoutes } from './autopilot-devices.routes.js';
import { autopilotSettingsRoutes } from './autopilot-settings.routes.js';
import { deploymentProfileRoutes } from './deployment-profiles.routes.js';
import { acceptEmptyJsonBodies } from './graph.route-kit.js';
import { importedIdentityRoutes } from './imported-identities.routes.js';

/**
 * The Microsoft Graph–compatible API (Intune Autopilot, API-FACTS §2), the same handlers
 * under `/beta` and `/v1.0`, so Microsoft's Graph clients and scripts work unchanged
 * against Preflight's base URL.
 */
export function graphRoutes(context: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    for (const version of graphVersions) {
      await app.register(
        async (scoped) => {
          acceptEmptyJsonBodies(scoped);
          await scoped.register(importedIdentityRoutes(context, version));
          await scoped.register(autopilotDeviceRoutes(context, version));
          await scoped.register(deploymentProfileRoutes(context, version));
          await scoped.register(autopilotSettingsRoutes(context, version));
        },
        { prefix: `/${version}` },
      );
    }
  };
}
