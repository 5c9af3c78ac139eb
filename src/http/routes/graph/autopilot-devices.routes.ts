import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../../../domain/actor.js';
import type { Device } from '../../../domain/device.js';
import { PreflightError } from '../../../domain/errors.js';
import {
  countDevices,
  deregisterDevice,
  findDevices,
  listDevices,
} from '../../../services/devices.js';
import {
  updateDeviceProperties,
  type DevicePropertyChanges,
} from '../../../services/graph/device-properties.js';
import { listProfiles } from '../../../services/profiles.js';
import type { ApiContext } from '../../context.js';
import {
  autopilotDeviceExpansions,
  autopilotDeviceProperties,
  autopilotDeviceResponse,
  autopilotDeviceType,
  toGraphAutopilotIdentity,
} from '../../graph/autopilot-device.wire.js';
import {
  applySelect,
  contextUrl,
  decodeSkipToken,
  linkBase,
  nextLink,
  odataQuerySchema,
  readCount,
  readODataQuery,
  readSelect,
  readTop,
  type GraphVersion,
  type ODataOption,
} from '../../graph/odata.js';
import { parseDeviceFilter } from '../../odata/filter.js';
import { toGraphProfile } from '../../graph/profile.wire.js';
import {
  caller,
  collectionOf,
  graphConfig,
  graphErrors,
  graphSchema,
  idParams,
} from './graph.route-kit.js';

const collection = 'deviceManagement/windowsAutopilotDeviceIdentities';

const nullableText = () => Type.Optional(Type.Union([Type.Null(), Type.String()]));

const updateBody = Type.Object(
  {
    groupTag: nullableText(),
    displayName: nullableText(),
    userPrincipalName: nullableText(),
    addressableUserName: nullableText(),
    deviceAccountUpn: nullableText(),
    deviceAccountPassword: nullableText(),
    deviceFriendlyName: nullableText(),
  },
  { additionalProperties: true },
);

const assignUserBody = Type.Object(
  { userPrincipalName: Type.String(), addressableUserName: nullableText() },
  { additionalProperties: true },
);

/** Refuses parameters an action does not have, in OData's words. */
function onlyParameters(body: unknown, action: string, allowed: readonly string[]): void {
  for (const [key, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (!allowed.includes(key) && !key.startsWith('@odata.') && value !== undefined) {
      throw new PreflightError(
        'input.invalid',
        `The parameter '${key}' in the request payload is not a valid parameter for the operation '${action}'.`,
        { field: key },
        `Send only ${allowed.join(', ')}.`,
      );
    }
  }
}

/** Surface Hub device accounts (beta): Preflight registers PCs only, so only empty values pass. */
function refuseSurfaceHubProperties(body: Record<string, unknown>): void {
  for (const key of ['deviceAccountUpn', 'deviceAccountPassword', 'deviceFriendlyName']) {
    const value = body[key];
    if (typeof value === 'string' && value.trim() !== '') {
      throw new PreflightError(
        'input.invalid',
        `Preflight does not keep ${key} (a Surface Hub device account property).`,
        { field: key },
        `Leave ${key} out.`,
      );
    }
  }
}

/**
 * `deviceManagement/windowsAutopilotDeviceIdentities` (API-FACTS §2.3): registered
 * devices, listed with `$filter` and keyset paging, read, updated, deregistered.
 */
export function autopilotDeviceRoutes(context: ApiContext, version: GraphVersion) {
  const { deps } = context;
  const ctx = (fragment: string) => contextUrl(deps.settings.publicUrl, version, fragment);
  const properties = autopilotDeviceProperties(version);
  const listOptions: ODataOption[] =
    version === 'beta'
      ? ['top', 'skiptoken', 'filter', 'count', 'select', 'expand']
      : ['top', 'skiptoken', 'filter', 'count', 'select'];
  const itemOptions: ODataOption[] = version === 'beta' ? ['select', 'expand'] : ['select'];

  /** `$expand` as the set of navigation properties to add (beta only). */
  const readExpand = (text: string | undefined): Set<string> => {
    const names = (text ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean);
    for (const name of names) {
      if (!(autopilotDeviceExpansions as readonly string[]).includes(name)) {
        throw new PreflightError(
          'input.invalid',
          `Could not find a navigation property named '${name}' on type '${autopilotDeviceType}'.`,
          { field: '$expand' },
          `Expand ${autopilotDeviceExpansions.join(' or ')}.`,
        );
      }
    }
    return new Set(names);
  };

  /** Presents devices with the requested `$select` and `$expand`. */
  const present = async (
    actor: Actor,
    customer: string,
    devices: readonly Device[],
    select: string[] | undefined,
    expand: Set<string>,
  ) => {
    const profiles =
      expand.size > 0
        ? new Map((await listProfiles(deps, actor, customer)).map((p) => [p.id, p]))
        : undefined;
    return devices.map((device) => {
      const entity = applySelect(toGraphAutopilotIdentity(device, version), select);
      if (profiles) {
        const profile = device.profileId ? profiles.get(device.profileId) : undefined;
        const graph = profile ? toGraphProfile(profile, version) : null;
        // Preflight assigns at once: the intended profile is the assigned one.
        for (const name of expand) {
          entity[name] = graph;
        }
      }
      return entity;
    });
  };

  const findOne = async (actor: Actor, customer: string, id: string): Promise<Device> => {
    const device = (await findDevices(deps, actor, id, customer)).find((d) => d.id === id);
    if (!device) {
      throw new PreflightError('device.not_found', `No device ${id} is visible to you.`, { id });
    }
    return device;
  };

  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      `/${collection}`,
      {
        config: graphConfig('read'),
        schema: graphSchema({
          summary: 'List registered Autopilot devices',
          description:
            "Keyset-paged by id: $top (1–1000, default 100) and @odata.nextLink. $filter: contains(serialNumber,'x'), startswith(…), field eq 'v', joined by and.",
          querystring: odataQuerySchema(listOptions),
          response: { 200: collectionOf(autopilotDeviceResponse), ...graphErrors },
        }),
      },
      async (request) => {
        const { actor, customer } = caller(request);
        const options = readODataQuery(request.query, listOptions);
        const top = readTop(options.top);
        const after = decodeSkipToken(options.skiptoken);
        const count = readCount(options.count);
        const select = readSelect(options.select, properties, autopilotDeviceType);
        const expand = readExpand(options.expand);
        const conditions = options.filter !== undefined ? parseDeviceFilter(options.filter) : [];
        const devices = await listDevices(deps, actor, {
          customer,
          conditions,
          order: 'id',
          limit: top + 1,
          ...(after !== undefined ? { after } : {}),
        });
        const page = devices.slice(0, top);
        const total = count ? await countDevices(deps, actor, { customer, conditions }) : undefined;
        return {
          '@odata.context': ctx(collection),
          ...(total !== undefined ? { '@odata.count': total } : {}),
          ...(devices.length > top
            ? {
                '@odata.nextLink': nextLink(
                  linkBase(deps.settings.publicUrl, request.headers.host),
                  version,
                  collection,
                  options,
                  page[page.length - 1]!.id,
                ),
              }
            : {}),
          value: await present(actor, customer, page, select, expand),
        };
      },
    );

    app.get<{ Params: { id: string } }>(
      `/${collection}/:id`,
      {
        config: graphConfig('read'),
        schema: graphSchema({
          summary: 'Read one registered Autopilot device',
          params: idParams,
          querystring: odataQuerySchema(itemOptions),
          response: { 200: autopilotDeviceResponse, ...graphErrors },
        }),
      },
      async (request) => {
        const { actor, customer } = caller(request);
        const options = readODataQuery(request.query, itemOptions);
        const select = readSelect(options.select, properties, autopilotDeviceType);
        const expand = readExpand(options.expand);
        const device = await findOne(actor, customer, request.params.id);
        const [entity] = await present(actor, customer, [device], select, expand);
        return { '@odata.context': ctx(`${collection}/$entity`), ...entity };
      },
    );

    const update = async (
      request: { params: { id: string } } & Parameters<typeof caller>[0],
      changes: DevicePropertyChanges,
    ) => {
      const { actor, customer } = caller(request);
      await updateDeviceProperties(deps, actor, { customer, id: request.params.id, changes });
    };

    app.post<{ Params: { id: string }; Body: Record<string, string | null | undefined> }>(
      `/${collection}/:id/updateDeviceProperties`,
      {
        config: graphConfig('write'),
        schema: graphSchema({
          summary: 'Change group tag, device name or assigned user',
          description:
            'A group tag change re-evaluates the device’s deployment profile at once. addressableUserName is not kept: only an empty value is accepted.',
          params: idParams,
          body: updateBody,
          response: { 204: Type.Null(), ...graphErrors },
        }),
      },
      async (request, reply) => {
        const body = request.body ?? {};
        onlyParameters(body, 'updateDeviceProperties', Object.keys(updateBody.properties));
        refuseSurfaceHubProperties(body);
        await update(request, {
          ...(body.groupTag !== undefined ? { groupTag: body.groupTag } : {}),
          ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
          ...(body.userPrincipalName !== undefined
            ? { userPrincipalName: body.userPrincipalName }
            : {}),
          ...(body.addressableUserName !== undefined
            ? { addressableUserName: body.addressableUserName }
            : {}),
        });
        return reply.status(204).send();
      },
    );

    app.post<{
      Params: { id: string };
      Body: { userPrincipalName: string; addressableUserName?: string | null };
    }>(
      `/${collection}/:id/assignUserToDevice`,
      {
        config: graphConfig('write'),
        schema: graphSchema({
          summary: 'Assign a user to a device',
          params: idParams,
          body: assignUserBody,
          response: { 204: Type.Null(), ...graphErrors },
        }),
      },
      async (request, reply) => {
        onlyParameters(request.body, 'assignUserToDevice', [
          'userPrincipalName',
          'addressableUserName',
        ]);
        if (request.body.userPrincipalName.trim() === '') {
          throw new PreflightError(
            'input.invalid',
            'userPrincipalName is empty.',
            { field: 'userPrincipalName' },
            'Give the user as name@domain; unassignUserFromDevice removes the user.',
          );
        }
        await update(request, {
          userPrincipalName: request.body.userPrincipalName,
          ...(request.body.addressableUserName !== undefined
            ? { addressableUserName: request.body.addressableUserName }
            : {}),
        });
        return reply.status(204).send();
      },
    );

    app.post<{ Params: { id: string } }>(
      `/${collection}/:id/unassignUserFromDevice`,
      {
        config: graphConfig('write'),
        schema: graphSchema({
          summary: 'Remove the assigned user of a device',
          params: idParams,
          response: { 204: Type.Null(), ...graphErrors },
        }),
      },
      async (request, reply) => {
        onlyParameters(request.body, 'unassignUserFromDevice', []);
        await update(request, { userPrincipalName: null });
        return reply.status(204).send();
      },
    );

    app.delete<{ Params: { id: string } }>(
      `/${collection}/:id`,
      {
        config: graphConfig('write'),
        schema: graphSchema({
          summary: 'Deregister a device (delete its Autopilot identity)',
          params: idParams,
          response: { 204: Type.Null(), ...graphErrors },
        }),
      },
      async (request, reply) => {
        const { actor, customer } = caller(request);
        await deregisterDevice(deps, actor, request.params.id, customer);
        return reply.status(204).send();
      },
    );
  };
}
