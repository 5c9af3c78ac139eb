/**
 * The customer side of the portal's JSON API, and the relationship routes both sides
 * share (contract.ts): relationships and invitations, the customer's devices, deployment
 * profiles and tag rules, the audit log and the dashboard. Handlers only translate; the
 * services under src/services/portal enforce who may do what.
 * @module
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../../domain/user.js';
import { auditPage } from '../../../services/portal/audit-views.js';
import { customerDashboard } from '../../../services/portal/dashboard.js';
import { devicePage, deregisterFromPortal } from '../../../services/portal/device-views.js';
import {
  createProfileInfo,
  createTagRuleInfo,
  profileInfo,
  profileInfos,
  tagRuleInfos,
} from '../../../services/portal/profile-views.js';
import {
  acceptInvitationInfo,
  invitationPreview,
  relationshipInfos,
  revokeRelationshipInfo,
} from '../../../services/portal/relationship-views.js';
import { deleteTagRule } from '../../../services/profiles.js';
import { portalOf, type PortalAccess } from '../../access/route-access.js';
import type { ApiContext } from '../../context.js';
import type {
  AuditEntry,
  Dashboard,
  DeviceInfo,
  InvitationPreview,
  Page,
  ProfileInfo,
  RelationshipInfo,
  TagRuleInfo,
} from '../../../services/portal/contract.js';

/** Route config of a portal route: a signed-in user, Preflight's own error shape. */
function session(who: PortalAccess['who'], roles?: readonly Role[]) {
  const access: PortalAccess = roles ? { kind: 'session', who, roles } : { kind: 'session', who };
  return { access, wire: 'preflight' as const };
}

/** Schema decoration shared by these routes, for `/openapi.json`. */
function portalSchema<T extends Record<string, unknown>>(schema: T & { summary: string }) {
  return { tags: ['portal'], ...schema };
}

const id = Type.String({ minLength: 1, maxLength: 200 });

/** `offset` and `limit` of every list: 50 items by default, at most 500. */
const paging = {
  offset: Type.Integer({ minimum: 0, default: 0 }),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
};
const pagingQuery = Type.Object(paging);

const deviceQuery = Type.Object({
  serial: Type.Optional(Type.String({ maxLength: 200 })),
  tag: Type.Optional(Type.String({ maxLength: 200 })),
  status: Type.Optional(
    Type.Union(
      ['notAssigned', 'pending', 'assignedInSync', 'assignedOutOfSync', 'failed'].map((s) =>
        Type.Literal(s),
      ),
    ),
  ),
  ...paging,
});
type DeviceQueryInput = Static<typeof pagingQuery> & {
  serial?: string;
  tag?: string;
  status?: DeviceInfo['profileStatus'];
};

const createProfileBody = Type.Object(
  {
    displayName: Type.String({ maxLength: 1000 }),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    // Checked field by field by the domain rules, which name the setting at fault.
    settings: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: false },
);

const createTagRuleBody = Type.Object(
  {
    profileId: id,
    rule: Type.Optional(Type.String({ maxLength: 10_000 })),
    groupTag: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

/** Portal routes of customers, and the relationship routes of both sides (see ./contract.ts). */
export function portalCustomerRoutes(context: ApiContext) {
  const { deps } = context;
  return async (app: FastifyInstance): Promise<void> => {
    // ---- Relationships and invitations (both sides) --------------------------------

    app.get(
      '/relationships',
      {
        config: session('member'),
        schema: portalSchema({ summary: "The acting organisation's relationships, both sides" }),
      },
      async (request): Promise<{ items: readonly RelationshipInfo[] }> => ({
        items: await relationshipInfos(deps, portalOf(request).actor),
      }),
    );

    app.post<{ Params: { id: string } }>(
      '/relationships/:id/revoke',
      {
        config: session('member', ['admin']),
        schema: portalSchema({
          summary: 'End a relationship (the customer), or withdraw an invitation (its sender)',
          params: Type.Object({ id }),
        }),
      },
      async (request): Promise<RelationshipInfo> =>
        revokeRelationshipInfo(deps, portalOf(request).actor, request.params.id),
    );

    app.get<{ Params: { token: string } }>(
      '/invitations/:token',
      {
        config: session('anyone'),
        schema: portalSchema({
          summary: 'What an invitation link grants, and whether you may accept it',
          params: Type.Object({ token: id }),
        }),
      },
      async (request): Promise<InvitationPreview> =>
        invitationPreview(deps, portalOf(request).actor, request.params.token),
    );

    app.post<{ Params: { token: string } }>(
      '/invitations/:token/accept',
      {
        config: session('anyone'),
        schema: portalSchema({
          summary: "Accept an invitation (the invited customer's admin)",
          params: Type.Object({ token: id }),
        }),
      },
      async (request): Promise<RelationshipInfo> =>
        acceptInvitationInfo(deps, portalOf(request).actor, request.params.token),
    );

    // ---- Devices ------------------------------------------------------------------

    app.get<{ Querystring: DeviceQueryInput }>(
      '/devices',
      {
        config: session('customer'),
        schema: portalSchema({
          summary: "The customer's devices, filtered and paged",
          querystring: deviceQuery,
        }),
      },
      async (request): Promise<Page<DeviceInfo>> =>
        devicePage(deps, portalOf(request).actor, request.query),
    );

    app.post<{ Params: { deviceId: string } }>(
      '/devices/:deviceId/deregister',
      {
        config: session('member', ['admin', 'agent']),
        schema: portalSchema({
          summary: 'Deregister a device (its customer, or the partner or OEM that registered it)',
          params: Type.Object({ deviceId: id }),
        }),
      },
      async (request, reply) => {
        await deregisterFromPortal(deps, portalOf(request).actor, request.params.deviceId);
        return reply.status(204).send();
      },
    );

    // ---- Deployment profiles and tag rules ------------------------------------------

    app.get(
      '/profiles',
      {
        config: session('customer'),
        schema: portalSchema({ summary: "The customer's deployment profiles" }),
      },
      async (request): Promise<{ items: readonly ProfileInfo[] }> => ({
        items: await profileInfos(deps, portalOf(request).actor),
      }),
    );

    app.get<{ Params: { profileId: string } }>(
      '/profiles/:profileId',
      {
        config: session('customer'),
        schema: portalSchema({
          summary: 'One deployment profile',
          params: Type.Object({ profileId: id }),
        }),
      },
      async (request): Promise<ProfileInfo> =>
        profileInfo(deps, portalOf(request).actor, request.params.profileId),
    );

    app.post<{ Body: Static<typeof createProfileBody> }>(
      '/profiles',
      {
        config: session('customer', ['admin']),
        schema: portalSchema({ summary: 'Create a deployment profile', body: createProfileBody }),
      },
      async (request, reply): Promise<ProfileInfo> => {
        const created = await createProfileInfo(deps, portalOf(request).actor, request.body);
        void reply.status(201);
        return created;
      },
    );

    app.get(
      '/tag-rules',
      {
        // Readable by every role: the profiles page already shows each profile's tags.
        config: session('customer'),
        schema: portalSchema({ summary: "The customer's tag rules, in the order they are tried" }),
      },
      async (request): Promise<{ items: readonly TagRuleInfo[] }> => ({
        items: await tagRuleInfos(deps, portalOf(request).actor),
      }),
    );

    app.post<{ Body: Static<typeof createTagRuleBody> }>(
      '/tag-rules',
      {
        config: session('customer', ['admin']),
        schema: portalSchema({
          summary: 'Add a tag rule (a group tag, or a rule in the full syntax)',
          body: createTagRuleBody,
        }),
      },
      async (request, reply): Promise<TagRuleInfo> => {
        const created = await createTagRuleInfo(deps, portalOf(request).actor, request.body);
        void reply.status(201);
        return created;
      },
    );

    app.delete<{ Params: { ruleId: string } }>(
      '/tag-rules/:ruleId',
      {
        config: session('customer', ['admin']),
        schema: portalSchema({
          summary: 'Delete a tag rule; its devices are re-evaluated',
          params: Type.Object({ ruleId: id }),
        }),
      },
      async (request, reply) => {
        await deleteTagRule(deps, portalOf(request).actor, request.params.ruleId);
        return reply.status(204).send();
      },
    );

    // ---- Audit log and dashboard ----------------------------------------------------

    app.get<{ Querystring: Static<typeof pagingQuery> }>(
      '/audit',
      {
        config: session('member'),
        schema: portalSchema({
          summary: "The acting organisation's audit log, newest first",
          querystring: pagingQuery,
        }),
      },
      async (request): Promise<Page<AuditEntry>> =>
        auditPage(deps, portalOf(request).actor, request.query),
    );

    app.get(
      '/dashboard',
      {
        config: session('customer'),
        schema: portalSchema({ summary: "The customer's dashboard figures" }),
      },
      async (request): Promise<Dashboard> => customerDashboard(deps, portalOf(request).actor),
    );
  };
}
