/**
 * Deployment profiles and tag rules as the customer's portal shows them: each profile
 * with the group tags that select it and how many devices have it.
 * @module
 */
import type { Actor } from '../../domain/actor.js';
import { exactGroupTags, parseAssignmentRule } from '../../domain/assignment-rule.js';
import { PreflightError, isPreflightError } from '../../domain/errors.js';
import type { ServiceDeps } from '../deps.js';
import {
  createProfile,
  createTagRule,
  getProfile,
  listProfiles,
  listTagRules,
  type ProfileView,
  type RuleView,
} from '../profiles.js';
import { orgRefsOf } from './relationship-views.js';
import type { ProfileInfo, TagRuleInfo } from './contract.js';

/** The customer's profiles, oldest first (the order in which rules are tried). */
export async function profileInfos(deps: ServiceDeps, actor: Actor): Promise<ProfileInfo[]> {
  const profiles = await listProfiles(deps, actor);
  return withFigures(deps, actor, profiles);
}

/** One of the customer's profiles. */
export async function profileInfo(
  deps: ServiceDeps,
  actor: Actor,
  profileId: string,
): Promise<ProfileInfo> {
  const [found] = await withFigures(deps, actor, [await getProfile(deps, actor, profileId)]);
  return found!;
}

/**
 * Creates a profile from the portal's form: name and description beside the settings.
 * A setting at fault is named as the form sends it (`settings.deviceNameTemplate`).
 */
export async function createProfileInfo(
  deps: ServiceDeps,
  actor: Actor,
  input: {
    readonly displayName: string;
    readonly description?: string | undefined;
    readonly settings?: Readonly<Record<string, unknown>> | undefined;
  },
): Promise<ProfileInfo> {
  let created: ProfileView;
  try {
    created = await createProfile(deps, actor, {
      settings: {
        ...input.settings,
        displayName: input.displayName,
        ...(input.description !== undefined ? { description: input.description } : {}),
      },
    });
  } catch (error) {
    const field = isPreflightError(error) ? error.details.field : undefined;
    if (
      isPreflightError(error) &&
      error.code === 'input.invalid' &&
      typeof field === 'string' &&
      field !== 'displayName' &&
      field !== 'description'
    ) {
      throw new PreflightError(
        'input.invalid',
        error.message,
        { ...error.details, field: `settings.${field}` },
        error.remedy,
      );
    }
    throw error;
  }
  return profileInfo(deps, actor, created.id);
}

/** The customer's tag rules, in the order they are tried, each naming its profile. */
export async function tagRuleInfos(deps: ServiceDeps, actor: Actor): Promise<TagRuleInfo[]> {
  const rules = await listTagRules(deps, actor);
  const names = new Map((await listProfiles(deps, actor)).map((p) => [p.id, p.displayName]));
  return rules.map((rule) => toTagRuleInfo(rule, names));
}

/**
 * Adds a tag rule for a profile: `groupTag` (an exact `[OrderID]` match) or `rule` (the
 * full syntax; a text that does not parse is refused with its position). The customer's
 * devices are re-evaluated at once.
 */
export async function createTagRuleInfo(
  deps: ServiceDeps,
  actor: Actor,
  input: {
    readonly profileId: string;
    readonly rule?: string | undefined;
    readonly groupTag?: string | undefined;
  },
): Promise<TagRuleInfo> {
  if ((input.rule === undefined) === (input.groupTag === undefined)) {
    throw new PreflightError(
      'input.invalid',
      'Give either a group tag or a rule, not both and not neither.',
      { field: input.rule === undefined ? 'groupTag' : 'rule' },
      'Use "groupTag" for an exact tag match, or "rule" for the full rule syntax.',
    );
  }
  const profile = await getProfile(deps, actor, input.profileId);
  const rule = await createTagRule(deps, actor, {
    profile: profile.id,
    ...(input.groupTag !== undefined ? { groupTag: input.groupTag } : {}),
    ...(input.rule !== undefined ? { rule: input.rule } : {}),
  });
  return toTagRuleInfo(rule, new Map([[profile.id, profile.displayName]]));
}

async function withFigures(
  deps: ServiceDeps,
  actor: Actor,
  profiles: readonly ProfileView[],
): Promise<ProfileInfo[]> {
  if (profiles.length === 0) {
    return [];
  }
  const customerOrgId = profiles[0]!.customerOrgId;
  const counts = await deps.store.repos.profiles.assignedCounts(
    customerOrgId,
    profiles.map((p) => p.id),
  );
  const tags = new Map<string, string[]>();
  for (const rule of await listTagRules(deps, actor)) {
    const parsed = parseAssignmentRule(rule.rule);
    if (parsed.ok) {
      const known = tags.get(rule.profileId) ?? [];
      tags.set(rule.profileId, [...new Set([...known, ...exactGroupTags(parsed.rule)])]);
    }
  }
  const managers = await orgRefsOf(
    deps,
    profiles.map((p) => p.managedByOrgId),
  );
  return profiles.map((p) => ({
    id: p.id,
    displayName: p.displayName,
    description: p.description,
    builtIn: p.builtIn,
    managedBy: p.managedByOrgId === null ? null : (managers.get(p.managedByOrgId) ?? null),
    settings: p.settings,
    tags: tags.get(p.id) ?? [],
    devices: counts.get(p.id) ?? 0,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  }));
}

function toTagRuleInfo(rule: RuleView, profileNames: ReadonlyMap<string, string>): TagRuleInfo {
  return {
    id: rule.id,
    profile: { id: rule.profileId, displayName: profileNames.get(rule.profileId) ?? '' },
    rule: rule.rule,
    createdAt: rule.createdAt,
    createdBy: rule.createdBy,
  };
}
