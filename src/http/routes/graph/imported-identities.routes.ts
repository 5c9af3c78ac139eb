import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { PreflightError } from '../../../domain/errors.js';
import {
  deleteImport,
  getImport,
  importDevices,
  listImports,
} from '../../../services/graph/imports.js';
import type { DeviceFields } from '../../../services/registration/prepare-fields.js';
import type { ApiContext } from '../../context.js';
import { prepareApiDevices } from '../../devices-input.js';
import {
  fromGraphImportedIdentity,
  importActionBody,
  importedIdentityBody,
  importedIdentityFieldNames,
  importedIdentityProperties,
  importedIdentityResponse,
  importedIdentityType,
  toGraphImportedIdentity,
} from '../../graph/imported-identity.wire.js';
import {
  applySelect,
  contextUrl,
  decodeSkipToken,
  linkBase,
  nextLink,
  odataQuerySchema,
  readODataQuery,
  readSelect,
  readTop,
  type GraphVersion,
} from '../../graph/odata.js';
import {
  caller,
  collectionOf,
  graphConfig,
  graphErrors,
  graphSchema,
  idParams,
} from './graph.route-kit.js';

const collection = 'deviceManagement/importedWindowsAutopilotDeviceIdentities';
const actionKey = 'importedWindowsAutopilotDeviceIdentities';

/** The import action carries up to 10,000 devices of about 4 KB each, plus JSON. */
const importBodyLimit = 64 * 1024 * 1024;

/**
 * Refuses properties of the import action's body other than the device list, naming them
 * (Ajv would only say "additional properties").
 */
function readImportAction(body: unknown): unknown[] {
  const object = (body ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    if (key !== actionKey && !key.startsWith('@odata.')) {
      throw new PreflightError(
        'input.invalid',
        `The parameter '${key}' in the request payload is not a valid parameter for the operation 'import'.`,
        { field: key },
        `Send only ${actionKey}.`,
      );
    }
  }
  const devices = object[actionKey];
  return Array.isArray(devices) ? devices : [];
}

/**
 * Prepares Graph records for registration: Graph's own checks first (unknown properties,
 * Edm.Binary), then ours, which refuse the request naming the device's index and field.
 * A single POST names fields without an index.
 */
function prepareRecords(records: readonly unknown[], single: boolean) {
  const fields: DeviceFields[] = records.map((record, index) =>
    fromGraphImportedIdentity(record, single ? '' : `${actionKey}[${index}]`),
  );
  try {
    return prepareApiDevices(fields, { names: importedIdentityFieldNames, path: actionKey });
  } catch (error) {
    if (single && error instanceof PreflightError && error.code === 'input.invalid') {
      const strip = (text: string) => text.replaceAll(`${actionKey}[0].`, '');
      const details = { ...error.details };
      if (typeof details.field === 'string') {
        details.field = strip(details.field);
      }
      throw new PreflightError(error.code, strip(error.message), details, error.remedy);
    }
    throw error;
  }
}

/**
 * `deviceManagement/importedWindowsAutopilotDeviceIdentities` (API-FACTS §2.1): create one
 * record (201) or many with the `import` action (200, one batch), read, list, delete.
 */
export function importedIdentityRoutes(context: ApiContext, version: GraphVersion) {
  const { deps } = context;
  const ctx = (fragment: string) => contextUrl(deps.settings.publicUrl, version, fragment);
  return async (app: FastifyInstance): Promise<void> => {
    app.post(
      `/${collection}`,
      {
        config: graphConfig('write'),
        bodyLimit: 1024 * 1024,
        schema: graphSchema({
          summary: 'Import one Autopilot device (importedWindowsAutopilotDeviceIdentity)',
          description:
            'Registers one device, asynchronously: the record reads state.deviceImportStatus "unknown" until the device is registered ("complete", with deviceRegistrationId) or refused ("error", with deviceErrorCode/deviceErrorName). state in the request is ignored.',
          body: importedIdentityBody,
          response: { 201: importedIdentityResponse, ...graphErrors },
        }),
      },
      async (request, reply) => {
        const { actor, customer } = caller(request);
        const rows = prepareRecords([request.body], true);
        const [record] = await importDevices(deps, actor, { customer, rows });
        void reply.status(201);
        return {
          '@odata.context': ctx(`${collection}/$entity`),
          ...toGraphImportedIdentity(record!),
        };
      },
    );

    app.post(
      `/${collection}/import`,
      {
        config: graphConfig('write'),
        bodyLimit: importBodyLimit,
        schema: graphSchema({
          summary: 'Import Autopilot devices in one batch (import action)',
          description:
            'All devices go into one batch; the response lists one record per device, in request order. A request with any invalid device (hash not base64, unknown property, …) is refused whole, naming the index and field.',
          body: importActionBody,
          response: { 200: collectionOf(importedIdentityResponse), ...graphErrors },
        }),
      },
      async (request) => {
        const { actor, customer } = caller(request);
        const rows = prepareRecords(readImportAction(request.body), false);
        const records = await importDevices(deps, actor, { customer, rows });
        return {
          '@odata.context': ctx(`Collection(${importedIdentityType})`),
          value: records.map(toGraphImportedIdentity),
        };
      },
    );

    app.get(
      `/${collection}`,
      {
        config: graphConfig('read'),
        schema: graphSchema({
          summary: 'List import records',
          querystring: odataQuerySchema(['top', 'skiptoken', 'select']),
          response: { 200: collectionOf(importedIdentityResponse), ...graphErrors },
        }),
      },
      async (request) => {
        const { actor, customer } = caller(request);
        const options = readODataQuery(request.query, ['top', 'skiptoken', 'select']);
        const top = readTop(options.top);
        const select = readSelect(options.select, importedIdentityProperties, importedIdentityType);
        const after = decodeSkipToken(options.skiptoken);
        const records = await listImports(deps, actor, {
          customer,
          limit: top + 1,
          ...(after !== undefined ? { after } : {}),
        });
        const page = records.slice(0, top);
        const more = records.length > top;
        return {
          '@odata.context': ctx(collection),
          ...(more
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
          value: page.map((r) => applySelect(toGraphImportedIdentity(r), select)),
        };
      },
    );

    app.get<{ Params: { id: string } }>(
      `/${collection}/:id`,
      {
        config: graphConfig('read'),
        schema: graphSchema({
          summary: 'Read one import record (poll its state)',
          params: idParams,
          querystring: odataQuerySchema(['select']),
          response: { 200: importedIdentityResponse, ...graphErrors },
        }),
      },
      async (request) => {
        const { actor, customer } = caller(request);
        const options = readODataQuery(request.query, ['select']);
        const select = readSelect(options.select, importedIdentityProperties, importedIdentityType);
        const record = await getImport(deps, actor, { customer, id: request.params.id });
        return {
          '@odata.context': ctx(`${collection}/$entity`),
          ...applySelect(toGraphImportedIdentity(record), select),
        };
      },
    );

    app.delete<{ Params: { id: string } }>(
      `/${collection}/:id`,
      {
        config: graphConfig('write'),
        schema: graphSchema({
          summary: 'Delete an import record (the registered device stays)',
          params: idParams,
          response: { 204: Type.Null(), ...graphErrors },
        }),
      },
      async (request, reply) => {
        const { actor, customer } = caller(request);
        await deleteImport(deps, actor, { customer, id: request.params.id });
        return reply.status(204).send();
      },
    );
  };
}
