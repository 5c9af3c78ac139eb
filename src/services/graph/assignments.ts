/**
 * Graph's deployment-profile assignments (API-FACTS §2.5) over our assignment rules. In
 * Intune a profile is assigned to Entra groups, typically dynamic device groups whose
 * membership rule tests `devicePhysicalIds` (§2.6); Preflight has no groups, so an
 * assignment IS such a rule, and its id is the rule's id.
 * @module
 */
import type { Actor } from '../../domain/actor.js';
import { formatRule, parseAssignmentRule } from '../../domain/assignment-rule.js';
import { PreflightError } from '../../domain/errors.js';
import type { ServiceDeps } from '../deps.js';
import {
  createTagRule,
  deleteTagRule,
  getProfile,
  listTagRules,
  type ProfileView,
  type RuleView,
} from '../profiles.js';

/** The rule Entra documents for "all Autopilot devices" (API-FACTS §2.6), in canonical form. */
export const allAutopilotDevicesRule = '(device.devicePhysicalIds -any (_ -contains "[ZTDId]"))';

/** A profile's assignments, in the order they are tried. */
export async function listAssignments(
  deps: ServiceDeps,
  actor: Actor,
  input: { customer?: string; profileId: string },
): Promise<{ profile: ProfileView; assignments: RuleView[] }> {
  const profile = await getProfile(deps, actor, input.profileId, input.customer);
  const rules = await listTagRules(deps, actor, input.customer);
  return { profile, assignments: rules.filter((r) => r.profileId === profile.id) };
}

/** One assignment of a profile. */
export async function getAssignment(
  deps: ServiceDeps,
  actor: Actor,
  input: { customer?: string; profileId: string; id: string },
): Promise<RuleView> {
  const { assignments } = await listAssignments(deps, actor, input);
  const found = assignments.find((a) => a.id === input.id);
  if (!found) {
    throw new PreflightError(
      'rule.not_found',
      `The profile has no assignment ${input.id}.`,
      { id: input.id },
      'List the assignments of the profile to find it.',
    );
  }
  return found;
}

/**
 * Assigns a profile to the devices a membership rule selects; devices are re-evaluated at
 * once. Assigning the same rule (in canonical form) to the same profile again returns the
 * existing assignment instead of adding a copy, so a re-run script stays idempotent.
 */
export async function createAssignment(
  deps: ServiceDeps,
  actor: Actor,
  input: { customer?: string; profileId: string; rule: string },
): Promise<{ assignment: RuleView; created: boolean }> {
  const parsed = parseAssignmentRule(input.rule);
  if (parsed.ok) {
    const text = formatRule(parsed.rule);
    const { assignments } = await listAssignments(deps, actor, input);
    const existing = assignments.find((a) => a.rule === text);
    if (existing) {
      return { assignment: existing, created: false };
    }
  }
  // An unreadable rule is refused by createTagRule, with where and why.
  const assignment = await createTagRule(deps, actor, {
    ...(input.customer !== undefined ? { customer: input.customer } : {}),
    profile: input.profileId,
    rule: input.rule,
  });
  return { assignment, created: true };
}

/** Removes one assignment of a profile; devices it selected are re-evaluated at once. */
export async function deleteAssignment(
  deps: ServiceDeps,
  actor: Actor,
  input: { customer?: string; profileId: string; id: string },
): Promise<void> {
  const assignment = await getAssignment(deps, actor, input);
  await deleteTagRule(deps, actor, assignment.id, input.customer);
}
