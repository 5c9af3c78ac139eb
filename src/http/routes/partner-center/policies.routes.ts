/**
 * Partner Center Autopilot profiles: `…/customers/{customerId}/policies` (API-FACTS §1.2).
 * The wire mapping is `policy.wire.ts`; these routes only read, call the use case and
 * present. Creating answers 200 with the policy, as the reference's example does.
 * @module
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  createPolicy,
  deletePolicy,
  getPolicy,
  listPolicies,
  updatePolicy,
  type PolicyView,
} from '../../../services/partner-center/policies.js';
import type { ApiContext } from '../../context.js';
import {
  fromPartnerCenterPolicy,
  pcPolicySchema,
  pcPolicySettingBits,
  toPartnerCenterPolicy,
} from '../../partner-center/policy.wire.js';
import {
  attributesOf,
  caller,
  collectionOf,
  customerParams,
  objectType,
  pcConfig,
  pcErrors,
  pcSchema,
} from './pc.route-kit.js';

/** `ConfigurationPolicy` as we emit it. */
const pcPolicy = Type.Object({
  id: Type.String(),
  name: Type.String(),
  category: Type.Literal('o_o_b_e'),
  description: Type.String(),
  devicesAssigned: Type.Integer({ description: 'Devices the policy is assigned to.' }),
  policySettings: Type.Array(
    Type.Union(Object.keys(pcPolicySettingBits).map((s) => Type.Literal(s))),
  ),
  createdDate: Type.String({ format: 'date-time' }),
  lastModifiedDate: Type.String({ format: 'date-time' }),
  attributes: attributesOf('ConfigurationPolicy'),
});

const policyParams = Type.Object({
  ...customerParams.properties,
  policyId: Type.String({ minLength: 1, maxLength: 200 }),
});

type Params = { customerId: string; policyId: string };

const present = (view: PolicyView) => toPartnerCenterPolicy(view.profile, view.devicesAssigned);

export function policyRoutes(context: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post(
      '/v1/customers/:customerId/policies',
      {
        config: pcConfig('write'),
        schema: pcSchema({
          summary: 'Create an Autopilot profile (policy) for a customer',
          description:
            'Admin clients only. Visible and manageable only by your organisation; apply it to your devices with DevicePolicyUpdates.',
          params: customerParams,
          body: pcPolicySchema,
          response: { 200: pcPolicy, ...pcErrors },
        }),
      },
      async (request) => {
        const { actor, customerId } = caller(request);
        const settings = fromPartnerCenterPolicy(request.body, 'create');
        return present(await createPolicy(context.deps, actor, customerId, settings));
      },
    );

    app.get(
      '/v1/customers/:customerId/policies',
      {
        config: pcConfig('read'),
        schema: pcSchema({
          summary: 'List your Autopilot profiles (policies) for a customer',
          params: customerParams,
          response: { 200: collectionOf(pcPolicy), ...pcErrors },
        }),
      },
      async (request) => {
        const { actor, customerId } = caller(request);
        const views = await listPolicies(context.deps, actor, customerId);
        return {
          totalCount: views.length,
          items: views.map(present),
          attributes: objectType('Collection'),
        };
      },
    );

    app.get<{ Params: Params }>(
      '/v1/customers/:customerId/policies/:policyId',
      {
        config: pcConfig('read'),
        schema: pcSchema({
          summary: 'Get one of your Autopilot profiles (policies)',
          params: policyParams,
          response: { 200: pcPolicy, ...pcErrors },
        }),
      },
      async (request) => {
        const { actor, customerId } = caller(request);
        return present(await getPolicy(context.deps, actor, customerId, request.params.policyId));
      },
    );

    app.put<{ Params: Params }>(
      '/v1/customers/:customerId/policies/:policyId',
      {
        config: pcConfig('write'),
        schema: pcSchema({
          summary: 'Update one of your Autopilot profiles (policies)',
          description:
            'Admin clients only. name, description and policySettings change; id and category cannot. Properties left out keep their value.',
          params: policyParams,
          body: pcPolicySchema,
          response: { 200: pcPolicy, ...pcErrors },
        }),
      },
      async (request) => {
        const { actor, customerId } = caller(request);
        return present(
          await updatePolicy(context.deps, actor, {
            customerId,
            id: request.params.policyId,
            change: (current) => fromPartnerCenterPolicy(request.body, 'update', current),
          }),
        );
      },
    );

    app.delete<{ Params: Params }>(
      '/v1/customers/:customerId/policies/:policyId',
      {
        config: pcConfig('write'),
        schema: pcSchema({
          summary: 'Delete one of your Autopilot profiles (policies)',
          description:
            'Admin clients only. Devices it was applied to fall back to what the customer’s tag rules select.',
          params: policyParams,
          response: { 204: Type.Null({ description: 'Deleted, no body.' }), ...pcErrors },
        }),
      },
      async (request, reply) => {
        const { actor, customerId } = caller(request);
        await deletePolicy(context.deps, actor, customerId, request.params.policyId);
        void reply.code(204);
        await reply.send();
      },
    );
  };
}
