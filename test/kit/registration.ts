import { operator, type Actor } from '../../src/domain/actor.js';
import type { Organisation } from '../../src/domain/organisation.js';
import type { ServiceDeps } from '../../src/services/deps.js';
import { createOrganisation } from '../../src/services/organisations.js';
import {
  prepareFields,
  type DeviceFields,
} from '../../src/services/registration/prepare-fields.js';
import { registerNow, submitBatch } from '../../src/services/registration/register.js';
import { acceptInvitation, inviteCustomer } from '../../src/services/relationships.js';
import { userActor } from './services.js';

/** A customer with an admin, and a partner with an agent whose relationship is active. */
export async function consentedPair(
  deps: ServiceDeps,
  names: { partner: string; customer: string },
  permissions?: string[],
) {
  const partner = await createOrganisation(deps, operator, {
    kind: 'partner',
    displayName: names.partner,
  });
  const slugOf = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '');
  const customer = await createOrganisation(deps, operator, {
    kind: 'customer',
    displayName: names.customer,
    domain: `${slugOf(names.customer)}.example`,
  });
  const slug = (o: Organisation) => slugOf(o.displayName);
  const partnerAgent = await userActor(deps, partner, `agent@${slug(partner)}.example`, 'agent');
  const customerAdmin = await userActor(deps, customer, `admin@${slug(customer)}.example`, 'admin');
  const { token } = await inviteCustomer(deps, operator, {
    from: partner.id,
    to: customer.id,
    ...(permissions ? { permissions } : {}),
  });
  const relationship = await acceptInvitation(deps, customerAdmin, token);
  return { partner, customer, partnerAgent, customerAdmin, relationship };
}

/** Registers devices given as fields, processing the batch at once. */
export function register(
  deps: ServiceDeps,
  actor: Actor,
  customer: Organisation,
  devices: readonly DeviceFields[],
  options: { groupTag?: string; clientBatchId?: string; strictTags?: boolean } = {},
) {
  return registerNow(
    deps,
    actor,
    { customer: customer.id },
    {
      source: 'api',
      groupTag: options.groupTag ?? null,
      clientBatchId: options.clientBatchId ?? null,
      strictTags: options.strictTags ?? false,
      rows: devices.map((d) => prepareFields(d, { batchGroupTag: options.groupTag ?? null })),
    },
  );
}

/** Queues a batch of devices without processing it (the worker's job, in the test). */
export function queueBatch(
  deps: ServiceDeps,
  actor: Actor,
  customer: Organisation,
  devices: readonly DeviceFields[],
) {
  return submitBatch(
    deps,
    actor,
    { customer: customer.id },
    { source: 'api', rows: devices.map((d) => prepareFields(d)) },
  );
}
