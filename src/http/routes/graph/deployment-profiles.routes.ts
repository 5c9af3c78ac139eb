import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { listDevices } from '../../../services/devices.js';
import {
  createAssignment,
  deleteAssignment,
  getAssignment,
  listAssignments,
} from '../../../services/graph/assignments.js';
import { deleteProfile, updateProfile } from '../../../services/graph/profile-admin.js';
import { createProfile, getProfile, listProfiles } from '../../../services/profiles.js';
import type { ApiContext } from '../../context.js';
import {
  assignmentBody,
  assignmentResponse,
  fromGraphAssignment,
  toGraphAssignment,
} from '../../graph/assignment.wire.js';
import {
  autopilotDeviceResponse,
  toGraphAutopilotIdentity,
} from '../../graph/autopilot-device.wire.js';
import {
  contextUrl,
  decodeSkipToken,
  linkBase,
  nextLink,
  odataQuerySchema,
  readODataQuery,
  readTop,
  type GraphVersion,
} from '../../graph/odata.js';
import { fromGraphProfile, graphProfileSchema, toGraphProfile } from '../../graph/profile.wire.js';
import {
  caller,
  collectionOf,
  graphConfig,
  graphErrors,
  graphSchema,
  idParams,
} from './graph.route-kit.js';

const collection = 'deviceManagement/windowsAutopilotDeploymentProfiles';

/** A profile as we send it (the shape `toGraphProfile` writes). */
const profileResponse = Type.Object(
  {
    '@odata.context': Type.Optional(Type.String()),
    '@odata.type': Type.Optional(Type.String()),
    id: Type.Optional(Type.String()),
    displayName: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    language: Type.Optional(Type.String()),
    locale: Type.Optional(Type.String()),
    createdDateTime: Type.Optional(Type.String()),
    lastModifiedDateTime: Type.Optional(Type.String()),
    outOfBoxExperienceSettings: Type.Optional(Type.Object({}, { additionalProperties: true })),
    outOfBoxExperienceSetting: Type.Optional(Type.Object({}, { additionalProperties: true })),
    enrollmentStatusScreenSettings: Type.Optional(Type.Null()),
    extractHardwareHash: Type.Optional(Type.Boolean()),
    hardwareHashExtractionEnabled: Type.Optional(Type.Boolean()),
    deviceNameTemplate: Type.Optional(Type.String()),
    deviceType: Type.Optional(Type.String()),
    enableWhiteGlove: Type.Optional(Type.Boolean()),
    preprovisioningAllowed: Type.Optional(Type.Boolean()),
    roleScopeTagIds: Type.Optional(Type.Array(Type.String())),
    managementServiceAppId: Type.Optional(Type.Null()),
    hybridAzureADJoinSkipConnectivityCheck: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: true },
);

const assignmentParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200 }),
  assignmentId: Type.String({ minLength: 1, maxLength: 200 }),
});

/**
 * `deviceManagement/windowsAutopilotDeploymentProfiles` (API-FACTS §2.5): the customer's
 * profiles (CRUD), their assignments (membership rules, see assignment.wire.ts) and the
 * devices each is assigned to. Profiles belong to the customer: partners and OEMs are
 * refused by the profiles service, and changes need the customer's admin role.
 */
export function deploymentProfileRoutes(context: ApiContext, version: GraphVersion) {
  const { deps } = context;
  const ctx = (fragment: string) => contextUrl(deps.settings.publicUrl, version, fragment);
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      `/${collection}`,
      {
        config: graphConfig('read'),
        schema: graphSchema({
          summary: 'List deployment profiles',
          response: { 200: collectionOf(profileResponse), ...graphErrors },
        }),
      },
      async (request) => {
        const { actor, customer } = caller(request);
        readODataQuery(request.query, []);
        const profiles = await listProfiles(deps, actor, customer);
        return {
          '@odata.context': ctx(collection),
          value: profiles.map((p) => toGraphProfile(p, version)),
        };
      },
    );

    app.get<{ Params: { id: string } }>(
      `/${collection}/:id`,
      {
        config: graphConfig('read'),
        schema: graphSchema({
          summary: 'Read a deployment profile',
          params: idParams,
          response: { 200: profileResponse, ...graphErrors },
        }),
      },
      async (request) => {
        const { actor, customer } = caller(request);
        readODataQuery(request.query, []);
        const profile = await getProfile(deps, actor, request.params.id, customer);
        return {
          '@odata.context': ctx(`${collection}/$entity`),
          ...toGraphProfile(profile, version),
        };
      },
    );

    app.post(
      `/${collection}`,
      {
        config: graphConfig('write'),
        schema: graphSchema({
          summary: 'Create a deployment profile',
          description:
            'Send #microsoft.graph.azureADWindowsAutopilotDeploymentProfile (Entra join) or #microsoft.graph.activeDirectoryWindowsAutopilotDeploymentProfile (hybrid). A property Preflight cannot store is refused by name unless it holds Graph’s default.',
          body: graphProfileSchema,
          response: { 201: profileResponse, ...graphErrors },
        }),
      },
      async (request, reply) => {
        const { actor, customer } = caller(request);
        const settings = fromGraphProfile(request.body, 'create');
        const profile = await createProfile(deps, actor, { customer, settings });
        void reply.status(201);
        return {
          '@odata.context': ctx(`${collection}/$entity`),
          ...toGraphProfile(profile, version),
        };
      },
    );

    app.patch<{ Params: { id: string } }>(
      `/${collection}/:id`,
      {
        config: graphConfig('write'),
        schema: graphSchema({
          summary: 'Change a deployment profile',
          description: 'Properties given replace the stored ones; the profile type cannot change.',
          params: idParams,
          body: graphProfileSchema,
          response: { 204: Type.Null(), ...graphErrors },
        }),
      },
      async (request, reply) => {
        const { actor, customer } = caller(request);
        await updateProfile(deps, actor, {
          customer,
          id: request.params.id,
          change: (current) => fromGraphProfile(request.body, 'update', current),
        });
        return reply.status(204).send();
      },
    );

    app.delete<{ Params: { id: string } }>(
      `/${collection}/:id`,
      {
        config: graphConfig('write'),
        schema: graphSchema({
          summary: 'Delete a deployment profile',
          description:
            'Refused (409) for the built-in profile and for a profile that still has assignments: delete those first.',
          params: idParams,
          response: { 204: Type.Null(), ...graphErrors, 409: graphErrors[400] },
        }),
      },
      async (request, reply) => {
        const { actor, customer } = caller(request);
        await deleteProfile(deps, actor, { customer, id: request.params.id });
        return reply.status(204).send();
      },
    );

    const assignments = `${collection}/:id/assignments`;
    const assignmentsContext = (profileId: string) =>
      ctx(`${collection}('${profileId}')/assignments`);

    app.get<{ Params: { id: string } }>(
      `/${assignments}`,
      {
        config: graphConfig('read'),
        schema: graphSchema({
          summary: 'List the assignments of a deployment profile',
          params: idParams,
          response: { 200: collectionOf(assignmentResponse), ...graphErrors },
        }),
      },
      async (request) => {
        const { actor, customer } = caller(request);
        const { profile, assignments: rules } = await listAssignments(deps, actor, {
          customer,
          profileId: request.params.id,
        });
        return {
          '@odata.context': assignmentsContext(profile.id),
          value: rules.map(toGraphAssignment),
        };
      },
    );

    app.post<{ Params: { id: string } }>(
      `/${assignments}`,
      {
        config: graphConfig('write'),
        schema: graphSchema({
          summary: 'Assign a deployment profile',
          description:
            'Preflight has no Entra groups: send target #microsoft.graph.groupAssignmentTarget with membershipRule (the dynamic device-group rule, e.g. (device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))), or #microsoft.graph.allDevicesAssignmentTarget. Devices are re-evaluated at once; the same rule twice returns the existing assignment.',
          params: idParams,
          body: assignmentBody,
          response: { 201: assignmentResponse, ...graphErrors },
        }),
      },
      async (request, reply) => {
        const { actor, customer } = caller(request);
        const rule = fromGraphAssignment(request.body);
        const { assignment } = await createAssignment(deps, actor, {
          customer,
          profileId: request.params.id,
          rule,
        });
        void reply.status(201);
        return {
          '@odata.context': `${assignmentsContext(assignment.profileId)}/$entity`,
          ...toGraphAssignment(assignment),
        };
      },
    );

    app.get<{ Params: { id: string; assignmentId: string } }>(
      `/${assignments}/:assignmentId`,
      {
        config: graphConfig('read'),
        schema: graphSchema({
          summary: 'Read one assignment of a deployment profile',
          params: assignmentParams,
          response: { 200: assignmentResponse, ...graphErrors },
        }),
      },
      async (request) => {
        const { actor, customer } = caller(request);
        const assignment = await getAssignment(deps, actor, {
          customer,
          profileId: request.params.id,
          id: request.params.assignmentId,
        });
        return {
          '@odata.context': `${assignmentsContext(assignment.profileId)}/$entity`,
          ...toGraphAssignment(assignment),
        };
      },
    );

    app.delete<{ Params: { id: string; assignmentId: string } }>(
      `/${assignments}/:assignmentId`,
      {
        config: graphConfig('write'),
        schema: graphSchema({
          summary: 'Remove an assignment of a deployment profile',
          description: 'Devices it selected are re-evaluated at once.',
          params: assignmentParams,
          response: { 204: Type.Null(), ...graphErrors },
        }),
      },
      async (request, reply) => {
        const { actor, customer } = caller(request);
        await deleteAssignment(deps, actor, {
          customer,
          profileId: request.params.id,
          id: request.params.assignmentId,
        });
        return reply.status(204).send();
      },
    );

    app.get<{ Params: { id: string } }>(
      `/${collection}/:id/assignedDevices`,
      {
        config: graphConfig('read'),
        schema: graphSchema({
          summary: 'List the devices a deployment profile is assigned to',
          params: idParams,
          querystring: odataQuerySchema(['top', 'skiptoken']),
          response: { 200: collectionOf(autopilotDeviceResponse), ...graphErrors },
        }),
      },
      async (request) => {
        const { actor, customer } = caller(request);
        const options = readODataQuery(request.query, ['top', 'skiptoken']);
        const top = readTop(options.top);
        const after = decodeSkipToken(options.skiptoken);
        const profile = await getProfile(deps, actor, request.params.id, customer);
        const devices = await listDevices(deps, actor, {
          customer,
          profileId: profile.id,
          order: 'id',
          limit: top + 1,
          ...(after !== undefined ? { after } : {}),
        });
        const page = devices.slice(0, top);
        const path = `${collection}/${encodeURIComponent(profile.id)}/assignedDevices`;
        return {
          '@odata.context': ctx(`${collection}('${profile.id}')/assignedDevices`),
          ...(devices.length > top
            ? {
                '@odata.nextLink': nextLink(
                  linkBase(deps.settings.publicUrl, request.headers.host),
                  version,
                  path,
                  options,
                  page[page.length - 1]!.id,
                ),
              }
            : {}),
          value: page.map((d) => toGraphAutopilotIdentity(d, version)),
        };
      },
    );
  };
}
