import { actorLabel, type Actor } from '../domain/actor.js';
import { formatRule, parseAssignmentRule, ruleForGroupTag } from '../domain/assignment-rule.js';
import {
  managedDesktopGroupTag,
  managedDesktopProfile,
  normaliseProfileSettings,
  type DeploymentProfileInput,
  type DeploymentProfileSettings,
} from '../domain/deployment-profile.js';
import { PreflightError } from '../domain/errors.js';
import { checkGroupTag } from '../domain/group-tag.js';
import { organisationNameKey } from '../domain/organisation.js';
import { newId } from '../platform/secrets.js';
import { isUniqueViolation } from '../store/constraint-error.js';
import type { ProfileRow, RuleRow } from '../store/profile.repo.js';
import type { Repos } from '../store/store.js';
import { recordAudit } from './audit.js';
import type { ServiceDeps } from './deps.js';
import { resolveOrganisation } from './organisations.js';
import { reassignDevices } from './registration/reassign.js';

/** A deployment profile as callers see it. */
export interface ProfileView {
  readonly id: string;
  readonly customerOrgId: string;
  readonly displayName: string;
  readonly description: string;
  readonly builtIn: boolean;
  /** Null when the customer manages it; else the partner that created it (Partner Center). */
  readonly managedByOrgId: string | null;
  readonly settings: DeploymentProfileSettings;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A rule that selects devices for a profile. */
export interface RuleView {
  readonly id: string;
  readonly customerOrgId: string;
  readonly profileId: string;
  readonly rule: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

/**
 * The customer whose profiles `actor` manages: a customer's admin manages its own; the
 * operator names one. Partners and OEMs do not manage customers' profiles.
 */
async function customerFor(
  deps: ServiceDeps,
  actor: Actor,
  customerRef: string | undefined,
  write: boolean,
): Promise<string> {
  if (actor.kind === 'operator') {
    if (!customerRef) {
      throw new PreflightError('input.invalid', 'Name the customer (--customer ORG).', {
        field: 'customer',
      });
    }
    const customer = await resolveOrganisation(deps, customerRef);
    if (customer.kind !== 'customer') {
      throw new PreflightError(
        'org.wrong_kind',
        `"${customer.displayName}" is a ${customer.kind}; profiles belong to customers.`,
      );
    }
    return customer.id;
  }
  const own = await deps.store.repos.organisations.findById(actor.orgId);
  if (own?.kind !== 'customer') {
    throw new PreflightError('access.denied', 'Deployment profiles are managed by the customer.');
  }
  const roles = actor.kind === 'user' ? [actor.role] : actor.roles;
  if (write && !roles.includes('admin')) {
    throw new PreflightError('access.denied', 'Changing deployment profiles needs the admin role.');
  }
  return own.id;
}

/** Creates the built-in Microsoft Managed Desktop profile and its tag rule for a new customer. */
export async function seedBuiltInProfile(
  repos: Repos,
  customerOrgId: string,
  at: string,
): Promise<void> {
  const profileId = newId();
  await repos.profiles.insertProfile({
    id: profileId,
    customer_org_id: customerOrgId,
    display_name: managedDesktopProfile.displayName,
    name_key: organisationNameKey(managedDesktopProfile.displayName),
    description: managedDesktopProfile.description,
    settings: JSON.stringify(managedDesktopProfile),
    built_in: 1,
    created_at: at,
    updated_at: at,
  });
  await repos.profiles.insertRule({
    id: newId(),
    customer_org_id: customerOrgId,
    profile_id: profileId,
    rule: ruleForGroupTag(managedDesktopGroupTag),
    created_at: at,
    created_by: 'preflight',
  });
}

/** Creates a deployment profile for a customer. */
export async function createProfile(
  deps: ServiceDeps,
  actor: Actor,
  input: { customer?: string; settings: DeploymentProfileInput },
): Promise<ProfileView> {
  const customerOrgId = await customerFor(deps, actor, input.customer, true);
  const settings = normaliseProfileSettings(input.settings);
  const { displayName, description } = settings;
  const at = deps.clock.now().toISOString();
  const id = newId();
  return deps.store.transaction(async (repos) => {
    try {
      await repos.profiles.insertProfile({
        id,
        customer_org_id: customerOrgId,
        display_name: displayName,
        name_key: organisationNameKey(displayName),
        description,
        settings: JSON.stringify(settings),
        built_in: 0,
        created_at: at,
        updated_at: at,
      });
    } catch (error) {
      if (isUniqueViolation(error, 'name')) {
        throw new PreflightError(
          'profile.duplicate_name',
          `A profile named "${displayName}" already exists.`,
          { displayName },
        );
      }
      throw error;
    }
    await recordAudit(repos, actor, deps.clock.now(), {
      action: 'profile.created',
      subjectType: 'profile',
      subjectId: id,
      actingOrgId: customerOrgId,
      after: { displayName, description, settings },
    });
    return {
      id,
      customerOrgId,
      displayName,
      description,
      builtIn: false,
      managedByOrgId: null,
      settings,
      createdAt: at,
      updatedAt: at,
    };
  });
}

/** The customer's profiles, oldest first. */
export async function listProfiles(
  deps: ServiceDeps,
  actor: Actor,
  customer?: string,
): Promise<ProfileView[]> {
  const customerOrgId = await customerFor(deps, actor, customer, false);
  return (await deps.store.repos.profiles.listProfiles(customerOrgId)).map(toProfileView);
}

/** One profile of the customer, by id or name. */
export async function getProfile(
  deps: ServiceDeps,
  actor: Actor,
  ref: string,
  customer?: string,
): Promise<ProfileView> {
  const customerOrgId = await customerFor(deps, actor, customer, false);
  const row = await deps.store.repos.profiles.findProfile(
    customerOrgId,
    ref.trim(),
    organisationNameKey(ref),
  );
  if (!row) {
    throw new PreflightError('profile.not_found', `No profile "${ref}" for this customer.`, {
      ref,
    });
  }
  return toProfileView(row);
}

/**
 * Adds a rule that selects devices for a profile: either a group tag (matched exactly,
 * case included) or a rule in the reference's syntax. Devices are re-evaluated at once.
 */
export async function createTagRule(
  deps: ServiceDeps,
  actor: Actor,
  input: { customer?: string; profile: string; groupTag?: string; rule?: string },
): Promise<RuleView> {
  const customerOrgId = await customerFor(deps, actor, input.customer, true);
  const profile = await getProfile(deps, actor, input.profile, input.customer);
  let text: string;
  if (input.groupTag !== undefined) {
    const problems = checkGroupTag(input.groupTag);
    if (input.groupTag.trim() === '' || problems.length) {
      throw new PreflightError(
        'input.invalid',
        `"${input.groupTag}" cannot be a group tag (${problems.join(', ') || 'empty'}).`,
        {
          field: 'groupTag',
        },
        'Use letters, digits, - and _ without surrounding spaces.',
      );
    }
    text = ruleForGroupTag(input.groupTag);
  } else if (input.rule !== undefined) {
    const parsed = parseAssignmentRule(input.rule);
    if (!parsed.ok) {
      throw new PreflightError(
        'rule.invalid',
        `The rule is not valid at character ${parsed.error.position + 1}: ${parsed.error.message}`,
        {
          field: 'rule',
          position: parsed.error.position,
        },
        parsed.error.hint,
      );
    }
    text = formatRule(parsed.rule);
  } else {
    throw new PreflightError('input.invalid', 'Give a group tag (--tag) or a rule (--rule).', {
      field: 'tag',
    });
  }
  const at = deps.clock.now().toISOString();
  const rule: RuleView = {
    id: newId(),
    customerOrgId,
    profileId: profile.id,
    rule: text,
    createdAt: at,
    createdBy: actorLabel(actor),
  };
  await deps.store.transaction(async (repos) => {
    await repos.profiles.insertRule({
      id: rule.id,
      customer_org_id: customerOrgId,
      profile_id: profile.id,
      rule: text,
      created_at: at,
      created_by: rule.createdBy,
    });
    await reassignDevices(repos, customerOrgId, at);
    await recordAudit(repos, actor, deps.clock.now(), {
      action: 'rule.created',
      subjectType: 'rule',
      subjectId: rule.id,
      actingOrgId: customerOrgId,
      after: rule,
    });
  });
  return rule;
}

/** The customer's rules, in the order they are tried. */
export async function listTagRules(
  deps: ServiceDeps,
  actor: Actor,
  customer?: string,
): Promise<RuleView[]> {
  const customerOrgId = await customerFor(deps, actor, customer, false);
  return (await deps.store.repos.profiles.listRules(customerOrgId)).map(toRuleView);
}

/** Deletes a rule; devices it selected are re-evaluated at once. */
export async function deleteTagRule(
  deps: ServiceDeps,
  actor: Actor,
  id: string,
  customer?: string,
): Promise<void> {
  const customerOrgId = await customerFor(deps, actor, customer, true);
  const at = deps.clock.now().toISOString();
  await deps.store.transaction(async (repos) => {
    const before = (await repos.profiles.listRules(customerOrgId)).find((r) => r.id === id);
    if (!before || !(await repos.profiles.deleteRule(customerOrgId, id))) {
      throw new PreflightError('rule.not_found', `No rule ${id} for this customer.`, { id });
    }
    await reassignDevices(repos, customerOrgId, at);
    await recordAudit(repos, actor, deps.clock.now(), {
      action: 'rule.deleted',
      subjectType: 'rule',
      subjectId: id,
      actingOrgId: customerOrgId,
      before: toRuleView(before),
    });
  });
}

/** A stored profile as callers see it. */
export function toProfileView(row: ProfileRow): ProfileView {
  return {
    id: row.id,
    customerOrgId: row.customer_org_id,
    displayName: row.display_name,
    description: row.description,
    builtIn: row.built_in === 1,
    managedByOrgId: row.managed_by_org_id ?? null,
    settings: JSON.parse(row.settings) as DeploymentProfileSettings,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toRuleView(row: RuleRow): RuleView {
  return {
    id: row.id,
    customerOrgId: row.customer_org_id,
    profileId: row.profile_id,
    rule: row.rule,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}
