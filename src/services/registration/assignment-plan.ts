import {
  devicePhysicalIds,
  evaluateRule,
  exactGroupTags,
  parseAssignmentRule,
  type AssignmentRule,
} from '../../domain/assignment-rule.js';
import type { RowIssue } from '../../domain/registration-outcome.js';
import { describeNearMiss, findNearMiss } from '../../domain/tag-match.js';
import type { Repos } from '../../store/store.js';

/** The fields assignment rules look at. */
export interface AssignableDevice {
  readonly id: string;
  readonly groupTag: string | null;
  readonly purchaseOrderId: string | null;
  /**
   * A profile applied to this device directly (Partner Center `DevicePolicyUpdates`): it
   * wins over every tag rule.
   */
  readonly pinnedProfileId?: string | null;
}

/** What a tag means for a device: the profile it selects, or why it selects none. */
export interface TagVerdict {
  readonly profileId: string | null;
  /** A loud warning when the device ends without a profile (near-miss or no match). */
  readonly warning: RowIssue | null;
  /** Set for a near-miss: the tag that was probably meant. */
  readonly intendedTag: string | null;
}

/**
 * A customer's assignment rules, parsed once and ordered so the oldest profile wins when
 * several rules match (the reference's tie-break). Verdicts for rules that only look at
 * the group tag are cached per distinct tag, so a 100 000-row batch with a handful of
 * tags evaluates each tag once.
 */
export class AssignmentPlan {
  private readonly verdicts = new Map<string, TagVerdict>();

  private constructor(
    private readonly rules: readonly { profileId: string; rule: AssignmentRule }[],
    private readonly knownTags: readonly string[],
  ) {}

  /** Loads and parses the customer's rules. A rule that no longer parses is skipped. */
  static async load(repos: Repos, customerOrgId: string): Promise<AssignmentPlan> {
    const rows = await repos.profiles.listRules(customerOrgId);
    const rules: { profileId: string; rule: AssignmentRule }[] = [];
    for (const row of rows) {
      const parsed = parseAssignmentRule(row.rule);
      if (parsed.ok) {
        rules.push({ profileId: row.profile_id, rule: parsed.rule });
      }
    }
    const knownTags = [...new Set(rules.flatMap((r) => exactGroupTags(r.rule)))];
    return new AssignmentPlan(rules, knownTags);
  }

  /** The device's pinned profile, else that of the first matching rule (oldest profile first), or null. */
  profileFor(device: AssignableDevice): string | null {
    if (device.pinnedProfileId) {
      return device.pinnedProfileId;
    }
    const ids = devicePhysicalIds({
      groupTag: device.groupTag,
      purchaseOrderId: device.purchaseOrderId,
      ztdId: device.id,
    });
    return this.rules.find((r) => evaluateRule(r.rule, ids))?.profileId ?? null;
  }

  /**
   * The verdict for a device, with a warning whenever it ends without a profile: a
   * near-miss names the tag that was probably meant; an unknown tag says no rule uses it.
   */
  verdict(device: AssignableDevice): TagVerdict {
    // A pinned device's verdict is its pin, not its tag's: never cached under the tag.
    const cacheable = device.purchaseOrderId === null && !device.pinnedProfileId;
    const key = device.groupTag ?? '\u0000none';
    const cached = cacheable ? this.verdicts.get(key) : undefined;
    if (cached) {
      return cached;
    }
    const profileId = this.profileFor(device);
    const verdict =
      profileId !== null
        ? { profileId, warning: null, intendedTag: null }
        : this.explainMiss(device.groupTag);
    if (cacheable) {
      this.verdicts.set(key, verdict);
    }
    return verdict;
  }

  private explainMiss(tag: string | null): TagVerdict {
    if (tag === null) {
      return {
        profileId: null,
        intendedTag: null,
        warning: {
          severity: 'warning',
          code: 'tag.none',
          field: 'groupTag',
          message:
            'The device has no group tag and no rule selects it, so it receives NO deployment profile.',
          hint: 'Give a group tag that a profile rule uses (for Microsoft Managed Desktop: Microsoft365Managed_Autopilot).',
        },
      };
    }
    const miss = findNearMiss(tag, this.knownTags);
    if (miss) {
      const { message, hint } = describeNearMiss(tag, miss);
      return {
        profileId: null,
        intendedTag: miss.intended,
        warning: { severity: 'warning', code: 'tag.near_miss', field: 'groupTag', message, hint },
      };
    }
    return {
      profileId: null,
      intendedTag: null,
      warning: {
        severity: 'warning',
        code: 'tag.no_match',
        field: 'groupTag',
        message: `Group tag "${tag}" matches no profile rule, so the device receives NO deployment profile.`,
        hint: this.knownTags.length
          ? `Tags with a profile: ${this.knownTags.slice(0, 5).join(', ')}. Add a rule for "${tag}" or correct the tag.`
          : `Add a tag rule for "${tag}" to a deployment profile.`,
      },
    };
  }
}
