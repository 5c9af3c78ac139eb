/**
 * The partner/OEM side of the portal's JSON API (contract.ts): customers, their devices
 * and tags, adding devices from a file, and batches with their results (the batch routes
 * serve customers too).
 * @module
 */
import { Readable } from 'node:stream';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { sampleCsv } from '../../../csv/index.js';
import type { Role } from '../../../domain/user.js';
import { batchResultsCsv } from '../../../services/portal/batch-results-csv.js';
import {
  getPortalBatch,
  getPortalBatchRows,
  listPortalBatches,
} from '../../../services/portal/batches.js';
import {
  checkTag,
  getCustomer,
  listCustomerDevices,
  listCustomers,
  tagSuggestions,
} from '../../../services/portal/customers.js';
import { inviteFromPortal } from '../../../services/portal/invitations.js';
import {
  previewUpload,
  submitUpload,
  type DeviceUpload,
} from '../../../services/portal/uploads.js';
import { portalOf, type PortalAccess } from '../../access/route-access.js';
import type { ApiContext } from '../../context.js';
import type {
  BatchInfo,
  BatchRowInfo,
  CreatedInvitation,
  CustomerSummary,
  DeviceInfo,
  Page,
  Preview,
  TagCheck,
  TagSuggestion,
} from '../../../services/portal/contract.js';

/** A device file of about 16 000 devices with 4 KB hashes. */
export const uploadBodyLimit = 64 * 1024 * 1024;

/**
 * Content types a device file arrives with: browsers send `text/csv`, or on Windows
 * `application/vnd.ms-excel` (the registry's type for .csv), or none we know of
 * (`application/octet-stream`).
 */
const fileTypes = ['text/csv', 'application/octet-stream', 'application/vnd.ms-excel'];

function session(who: PortalAccess['who'], roles?: readonly Role[]) {
  const access: PortalAccess = { kind: 'session', who, ...(roles ? { roles } : {}) };
  return { access, wire: 'preflight' as const };
}

function schema<T extends Record<string, unknown>>(definition: T & { summary: string }) {
  return { tags: ['portal'], ...definition };
}

const pagingFields = {
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'Items to skip.' })),
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 500,
      default: 50,
      description: 'Items per page (at most 500).',
    }),
  ),
};
const idString = (description: string) =>
  Type.String({ minLength: 1, maxLength: 100, description });

const customerParams = Type.Object({ customerId: idString('The customer organisation id.') });
const batchParams = Type.Object({ batchId: idString('The batch id.') });
const customersQuery = Type.Object({
  search: Type.Optional(
    Type.String({ maxLength: 200, description: 'Part of the name or domain.' }),
  ),
  ...pagingFields,
});
const profileStatus = Type.Union(
  ['notAssigned', 'pending', 'assignedInSync', 'assignedOutOfSync', 'failed'].map((s) =>
    Type.Literal(s),
  ),
);
const devicesQuery = Type.Object({
  serial: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the serial number.' })),
  tag: Type.Optional(Type.String({ maxLength: 200, description: 'The group tag, exactly.' })),
  status: Type.Optional(profileStatus),
  ...pagingFields,
});
const tagCheckQuery = Type.Object({
  groupTag: Type.String({ maxLength: 200, description: 'The group name as typed.' }),
});
const uploadQuery = Type.Object({
  groupTag: Type.Optional(
    Type.String({ maxLength: 200, description: 'The group name: the tag of rows without one.' }),
  ),
  fileName: Type.Optional(Type.String({ maxLength: 255, description: 'The name of the file.' })),
  strictTags: Type.Optional(
    Type.Boolean({ description: 'Refuse rows whose tag nearly matches a rule.' }),
  ),
});
const batchesQuery = Type.Object({
  customerId: Type.Optional(idString('Only batches for this customer.')),
  ...pagingFields,
});
const pagingQuery = Type.Object(pagingFields);
const invitationBody = Type.Object({
  customer: Type.String({ minLength: 1, maxLength: 253, description: 'Domain or exact name.' }),
  permissions: Type.Optional(
    Type.Array(
      Type.Union([
        Type.Literal('register_devices'),
        Type.Literal('deregister_devices'),
        Type.Literal('read_devices'),
      ]),
      { minItems: 1, maxItems: 3, uniqueItems: true },
    ),
  ),
  expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
});

type Paging = Static<typeof pagingQuery>;
const paging = (query: Paging) => ({ offset: query.offset ?? 0, limit: query.limit ?? 50 });

/** `attachment` with the file's name, in ASCII for every browser and UTF-8 for those that can. */
function attachment(reply: FastifyReply, fileName: string): FastifyReply {
  const ascii = fileName.replace(/[^\w .-]/g, '_');
  const utf8 = ascii === fileName ? '' : `; filename*=UTF-8''${encodeURIComponent(fileName)}`;
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${ascii}"${utf8}`);
}

/** Portal routes of partners and OEMs (see ./contract.ts). */
export function portalRegistrarRoutes(context: ApiContext) {
  const { deps } = context;
  return async (app: FastifyInstance): Promise<void> => {
    // Only inside this plugin: the upload routes take the file itself as the body.
    app.addContentTypeParser(
      fileTypes,
      { parseAs: 'buffer', bodyLimit: uploadBodyLimit },
      (_request, body, done) => done(null, body),
    );

    app.get<{ Querystring: Static<typeof customersQuery> }>(
      '/customers',
      {
        config: session('registrar'),
        schema: schema({
          summary: 'Customers of your organisation',
          description:
            'Customers with any relationship to your organisation (the active one, else the latest), by name, with the devices you registered for each (0 without read_devices).',
          querystring: customersQuery,
        }),
      },
      async (request): Promise<Page<CustomerSummary>> =>
        listCustomers(deps, portalOf(request).actor, {
          ...paging(request.query),
          ...(request.query.search !== undefined ? { search: request.query.search } : {}),
        }),
    );

    app.get<{ Params: Static<typeof customerParams> }>(
      '/customers/:customerId',
      {
        config: session('registrar'),
        schema: schema({
          summary: 'One customer of your organisation',
          description: '404 for a customer without any relationship to your organisation.',
          params: customerParams,
        }),
      },
      async (request): Promise<CustomerSummary> =>
        getCustomer(deps, portalOf(request).actor, request.params.customerId),
    );

    app.get<{ Params: Static<typeof customerParams>; Querystring: Static<typeof devicesQuery> }>(
      '/customers/:customerId/devices',
      {
        config: session('registrar'),
        schema: schema({
          summary: 'Devices you registered for a customer',
          description: 'Needs an active relationship granting read_devices.',
          params: customerParams,
          querystring: devicesQuery,
        }),
      },
      async (request): Promise<Page<DeviceInfo>> => {
        const { serial, tag, status } = request.query;
        return listCustomerDevices(deps, portalOf(request).actor, request.params.customerId, {
          ...paging(request.query),
          ...(serial !== undefined ? { serial } : {}),
          ...(tag !== undefined ? { tag } : {}),
          ...(status !== undefined ? { status: status as DeviceInfo['profileStatus'] } : {}),
        });
      },
    );

    app.get<{ Params: Static<typeof customerParams> }>(
      '/customers/:customerId/tags',
      {
        config: session('registrar'),
        schema: schema({
          summary: "Group tags to offer for a customer's devices",
          description:
            'Tags of the customer’s profile rules (with their profile) first, then tags of devices you registered.',
          params: customerParams,
        }),
      },
      async (request): Promise<{ items: TagSuggestion[] }> => ({
        items: await tagSuggestions(deps, portalOf(request).actor, request.params.customerId),
      }),
    );

    app.get<{ Params: Static<typeof customerParams>; Querystring: Static<typeof tagCheckQuery> }>(
      '/customers/:customerId/tag-check',
      {
        config: session('registrar'),
        schema: schema({
          summary: 'What a device with this group tag would receive',
          description:
            'The exact match’s profile, or the rule tag it nearly matches (as the registration engine warns).',
          params: customerParams,
          querystring: tagCheckQuery,
        }),
      },
      async (request): Promise<TagCheck> =>
        checkTag(deps, portalOf(request).actor, request.params.customerId, request.query.groupTag),
    );

    const upload = (
      customerId: string,
      query: Static<typeof uploadQuery>,
      body: unknown,
    ): DeviceUpload => ({
      customerId,
      bytes: Buffer.isBuffer(body) ? body : new Uint8Array(),
      fileName: query.fileName,
      groupTag: query.groupTag,
      strictTags: query.strictTags,
    });
    const uploadDescription =
      'The body is the file itself (text/csv, application/vnd.ms-excel or application/octet-stream; at most 64 MiB).';

    app.post<{ Params: Static<typeof customerParams>; Querystring: Static<typeof uploadQuery> }>(
      '/customers/:customerId/preview',
      {
        bodyLimit: uploadBodyLimit,
        config: session('registrar'),
        schema: schema({
          summary: 'Preview a device file: its problems and what each row would become',
          description: `${uploadDescription} Nothing is stored. A file that cannot be read is still 200, with file.ok false.`,
          consumes: fileTypes,
          params: customerParams,
          querystring: uploadQuery,
        }),
      },
      async (request): Promise<Preview> =>
        previewUpload(
          deps,
          portalOf(request).actor,
          upload(request.params.customerId, request.query, request.body),
        ),
    );

    app.post<{ Params: Static<typeof customerParams>; Querystring: Static<typeof uploadQuery> }>(
      '/customers/:customerId/batches',
      {
        bodyLimit: uploadBodyLimit,
        config: session('registrar', ['admin', 'agent']),
        schema: schema({
          summary: 'Register the devices of a file',
          description: `${uploadDescription} Answers 202 with the queued batch; 400 csv.file_rejected for a file that cannot be read.`,
          consumes: fileTypes,
          params: customerParams,
          querystring: uploadQuery,
        }),
      },
      async (request, reply): Promise<BatchInfo> => {
        const batch = await submitUpload(
          deps,
          portalOf(request).actor,
          upload(request.params.customerId, request.query, request.body),
        );
        void reply.code(202);
        return batch;
      },
    );

    app.get<{ Querystring: Static<typeof batchesQuery> }>(
      '/batches',
      {
        config: session('member'),
        schema: schema({
          summary: 'Batches your organisation submitted or received',
          querystring: batchesQuery,
        }),
      },
      async (request): Promise<Page<BatchInfo>> =>
        listPortalBatches(deps, portalOf(request).actor, {
          ...paging(request.query),
          ...(request.query.customerId ? { customerId: request.query.customerId } : {}),
        }),
    );

    app.get<{ Params: Static<typeof batchParams> }>(
      '/batches/:batchId',
      {
        config: session('member'),
        schema: schema({ summary: 'One batch', params: batchParams }),
      },
      async (request): Promise<BatchInfo> =>
        getPortalBatch(deps, portalOf(request).actor, request.params.batchId),
    );

    app.get<{ Params: Static<typeof batchParams>; Querystring: Paging }>(
      '/batches/:batchId/rows',
      {
        config: session('member'),
        schema: schema({
          summary: 'The rows of a batch with their outcomes',
          params: batchParams,
          querystring: pagingQuery,
        }),
      },
      async (request): Promise<Page<BatchRowInfo>> =>
        getPortalBatchRows(
          deps,
          portalOf(request).actor,
          request.params.batchId,
          paging(request.query),
        ),
    );

    app.get<{ Params: Static<typeof batchParams> }>(
      '/batches/:batchId/results.csv',
      {
        config: session('member'),
        schema: schema({
          summary: 'The outcome of every row of a batch, as a CSV file',
          params: batchParams,
          produces: ['text/csv'],
        }),
      },
      async (request, reply) => {
        const { fileName, lines } = await batchResultsCsv(
          deps,
          portalOf(request).actor,
          request.params.batchId,
        );
        return attachment(reply, fileName).send(Readable.from(lines));
      },
    );

    app.get(
      '/sample.csv',
      {
        config: session('member'),
        schema: schema({ summary: 'A sample device file', produces: ['text/csv'] }),
      },
      async (_request, reply) => attachment(reply, 'preflight-sample.csv').send(sampleCsv()),
    );

    app.post<{ Body: Static<typeof invitationBody> }>(
      '/invitations',
      {
        config: session('registrar', ['admin']),
        schema: schema({
          summary: 'Invite a customer',
          description:
            'A partner creates a reseller invitation, an OEM an OEM authorization link. The link is shown once.',
          body: invitationBody,
        }),
      },
      async (request, reply): Promise<CreatedInvitation> => {
        const created = await inviteFromPortal(deps, portalOf(request).actor, request.body);
        void reply.code(201);
        return created;
      },
    );
  };
}
