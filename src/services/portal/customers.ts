/**
 * A partner's or OEM's view of its customers in the portal: who they are, what the
 * relationship allows today, the devices it registered for them, and the group tags it
 * may use. Consent is read again on every call, so a revocation takes effect at once.
 * @module
 */
import type { Actor } from '../../domain/actor.js';
import type { ProfileAssignmentStatus } from '../../domain/device.js';
import { PreflightError } from '../../domain/errors.js';
import type { Organisation } from '../../domain/organisation.js';
import {
  effectiveStatus,
  grants,
  type Relationship,
  type RelationshipPermission,
} from '../../domain/relationship.js';
import { exactGroupTags, parseAssignmentRule } from '../../domain/assignment-rule.js';
import type { ServiceDeps } from '../deps.js';
import { AssignmentPlan } from '../registration/assignment-plan.js';
import { countDevices, listDevices } from '../devices.js';
import { deviceInfos } from './device-views.js';
import { toOrgRef } from './relationship-views.js';
import { actingRegistrar, profileRefs, relationshipInfo, type Paging } from './views.js';
import type { CustomerSummary, DeviceInfo, Page, TagCheck, TagSuggestion } from './contract.js';

/** What the registrar may do for one customer, as of this request. */
export interface CustomerAccess {
  readonly registrar: Organisation;
  readonly customer: Organisation;
  readonly relationship: Relationship;
}

/** Tags in use listed at most, after the rules' tags. */
const tagsInUseListed = 200;

/** The registrar's customers, by name, with their current relationship and device counts. */
export async function listCustomers(
  deps: ServiceDeps,
  actor: Actor,
  query: Paging & { search?: string },
): Promise<Page<CustomerSummary>> {
  const registrar = await actingRegistrar(deps, actor);
  const page = await deps.store.repos.portalViews.registrarCustomers(registrar.id, {
    ...(query.search !== undefined ? { search: query.search } : {}),
    offset: query.offset,
    limit: query.limit,
  });
  const items = await summarise(deps, registrar, page.rows);
  return { items, total: page.total, offset: query.offset, limit: query.limit };
}

/** One customer of the registrar; a customer it has no relationship with is not found. */
export async function getCustomer(
  deps: ServiceDeps,
  actor: Actor,
  customerId: string,
): Promise<CustomerSummary> {
  const registrar = await actingRegistrar(deps, actor);
  const row = await currentRelationship(deps, registrar, customerId);
  return (await summarise(deps, registrar, [row]))[0]!;
}

/**
 * The customer and its relationship, when the relationship grants one of `permissions`
 * now: else 404 for a customer the registrar has never dealt with (as for an id that
 * does not exist), and 403 `consent.missing` saying in plain words what the customer
 * has (not) allowed.
 */
export async function customerAccess(
  deps: ServiceDeps,
  actor: Actor,
  customerId: string,
  permissions: readonly RelationshipPermission[],
): Promise<CustomerAccess> {
  const registrar = await actingRegistrar(deps, actor);
  const { customer, relationship } = await currentRelationship(deps, registrar, customerId);
  const now = deps.clock.now();
  if (!permissions.some((p) => grants(relationship, p, now))) {
    throw consentMissing(customer, relationship, permissions[0]!, now);
  }
  return { registrar, customer, relationship };
}

/** The devices the registrar registered for the customer (needs read_devices). */
export async function listCustomerDevices(
  deps: ServiceDeps,
  actor: Actor,
  customerId: string,
  query: Paging & { serial?: string; tag?: string; status?: ProfileAssignmentStatus },
): Promise<Page<DeviceInfo>> {
  const { customer } = await customerAccess(deps, actor, customerId, ['read_devices']);
  const serial = query.serial?.trim();
  const filter = {
    customer: customer.id,
    ...(serial
      ? { conditions: [{ field: 'serialNumber' as const, op: 'contains' as const, value: serial }] }
      : {}),
    ...(query.tag !== undefined && query.tag !== '' ? { groupTag: query.tag } : {}),
    ...(query.status !== undefined ? { profileStatus: query.status } : {}),
  };
  const [devices, total] = await Promise.all([
    listDevices(deps, actor, { ...filter, offset: query.offset, limit: query.limit }),
    countDevices(deps, actor, filter),
  ]);
  return {
    items: await deviceInfos(deps, devices),
    total,
    offset: query.offset,
    limit: query.limit,
  };
}

/**
 * Group tags to offer while adding devices: the tags the customer's rules test for, each
 * with the profile a device with exactly that tag receives (the built-in
 * Microsoft365Managed_Autopilot among them), then the other tags of devices this
 * registrar registered there, most used first. Counts are of this registrar's devices,
 * and only while the customer lets it read them.
 */
export async function tagSuggestions(
  deps: ServiceDeps,
  actor: Actor,
  customerId: string,
): Promise<TagSuggestion[]> {
  const { registrar, customer, relationship } = await customerAccess(deps, actor, customerId, [
    'register_devices',
    'read_devices',
  ]);
  const repos = deps.store.repos;
  const [plan, rules, profiles] = await Promise.all([
    AssignmentPlan.load(repos, customer.id),
    repos.profiles.listRules(customer.id),
    profileRefs(repos, customer.id),
  ]);
  const inUse = grants(relationship, 'read_devices', deps.clock.now())
    ? await deps.store.repos.portalViews.registeredTags(registrar.id, customer.id, tagsInUseListed)
    : [];
  const counts = new Map(inUse.map((t) => [t.tag, t.devices]));
  const ruleTags = [
    ...new Set(
      rules.flatMap((row) => {
        const parsed = parseAssignmentRule(row.rule);
        return parsed.ok ? exactGroupTags(parsed.rule) : [];
      }),
    ),
  ];
  const suggestions: TagSuggestion[] = ruleTags.map((tag) => {
    const profileId = plan.profileFor({ id: '', groupTag: tag, purchaseOrderId: null });
    return {
      tag,
      profile: (profileId && profiles.get(profileId)) || null,
      devices: counts.get(tag) ?? 0,
    };
  });
  for (const { tag, devices } of inUse) {
    if (!ruleTags.includes(tag)) {
      suggestions.push({ tag, profile: null, devices });
    }
  }
  return suggestions;
}

/**
 * What a device with `groupTag` would receive, using the registration engine's own plan
 * and near-miss rule, so the portal and a real registration never disagree.
 */
export async function checkTag(
  deps: ServiceDeps,
  actor: Actor,
  customerId: string,
  groupTag: string,
): Promise<TagCheck> {
  const { customer } = await customerAccess(deps, actor, customerId, [
    'register_devices',
    'read_devices',
  ]);
  const repos = deps.store.repos;
  const [plan, profiles] = await Promise.all([
    AssignmentPlan.load(repos, customer.id),
    profileRefs(repos, customer.id),
  ]);
  const tag = groupTag === '' ? null : groupTag;
  const verdict = plan.verdict({ id: '', groupTag: tag, purchaseOrderId: null });
  const profile = (verdict.profileId && profiles.get(verdict.profileId)) || null;
  if (profile) {
    return {
      groupTag,
      profile,
      nearMiss: null,
      message: `Devices with this group tag receive the profile "${profile.displayName}".`,
    };
  }
  if (verdict.intendedTag !== null) {
    const intendedId = plan.profileFor({
      id: '',
      groupTag: verdict.intendedTag,
      purchaseOrderId: null,
    });
    const intended = intendedId ? profiles.get(intendedId) : undefined;
    if (intended) {
      return {
        groupTag,
        profile: null,
        nearMiss: { tag: verdict.intendedTag, profile: intended },
        message: `No profile: did you mean "${verdict.intendedTag}"?`,
      };
    }
  }
  return {
    groupTag,
    profile: null,
    nearMiss: null,
    message:
      tag === null
        ? 'Devices without a group tag receive no deployment profile.'
        : `No profile rule uses "${groupTag}": devices with it receive no deployment profile.`,
  };
}

/** The customer's current relationship with the registrar, or "not found". */
async function currentRelationship(
  deps: ServiceDeps,
  registrar: Organisation,
  customerId: string,
): Promise<{ customer: Organisation; relationship: Relationship }> {
  const page = await deps.store.repos.portalViews.registrarCustomers(registrar.id, {
    customerOrgId: customerId,
    offset: 0,
    limit: 1,
  });
  const row = page.rows[0];
  if (!row) {
    throw new PreflightError(
      'org.not_found',
      `No customer ${customerId} is visible to you.`,
      { customer: customerId },
      'Open Customers to see the customers your organisation works with.',
    );
  }
  return row;
}

async function summarise(
  deps: ServiceDeps,
  registrar: Organisation,
  rows: readonly { customer: Organisation; relationship: Relationship }[],
): Promise<CustomerSummary[]> {
  const now = deps.clock.now();
  const readable = rows.filter((r) => grants(r.relationship, 'read_devices', now));
  const counts = await deps.store.repos.portalViews.registeredDeviceCounts(
    registrar.id,
    readable.map((r) => r.customer.id),
  );
  return rows.map(({ customer, relationship }) => ({
    ...toOrgRef(customer),
    relationship: relationshipInfo(relationship, registrar, customer, now),
    devices: grants(relationship, 'read_devices', now) ? (counts.get(customer.id) ?? 0) : 0,
  }));
}

const permissionWords: Record<RelationshipPermission, string> = {
  register_devices: 'register devices for them',
  read_devices: 'see the devices you registered for them',
  deregister_devices: 'deregister the devices you registered for them',
};

/** Why the registrar may not act for the customer, said as a person would say it. */
function consentMissing(
  customer: Organisation,
  relationship: Relationship,
  permission: RelationshipPermission,
  now: Date,
): PreflightError {
  const name = customer.displayName;
  const details = { customer: customer.id, permission, relationship: relationship.id };
  switch (effectiveStatus(relationship, now)) {
    case 'revoked':
      return new PreflightError(
        'consent.missing',
        relationship.acceptedAt
          ? `${name} has revoked your organisation's access; ask them for a new invitation.`
          : `Your invitation to ${name} was withdrawn; send a new invitation.`,
        details,
        'Ask the customer to accept a new invitation.',
      );
    case 'expired':
      return new PreflightError(
        'consent.missing',
        `${name} did not accept your invitation before it expired; send a new invitation.`,
        details,
        'Create a new invitation and send the link to the customer.',
      );
    case 'invited':
      return new PreflightError(
        'consent.missing',
        `${name} has not accepted your invitation yet.`,
        details,
        'Ask the customer to open the invitation link and accept it.',
      );
    case 'active':
      return new PreflightError(
        'consent.missing',
        `${name} has not allowed your organisation to ${permissionWords[permission]}.`,
        details,
        'Ask the customer for an invitation that grants it.',
      );
  }
}
