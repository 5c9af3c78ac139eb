/**
 * Syntax of a group tag (Graph `groupTag`, the old `OrderID`): the value a dynamic group
 * rule `(device.devicePhysicalIds -any (_ -eq "[OrderID]:<tag>"))` selects devices by.
 * Matching tags against profiles lives elsewhere; this file only says whether a tag is
 * well-formed.
 * @module
 */

/**
 * Longest tag accepted. The reference documents no limit (API-FACTS §8). Tags become part
 * of a `devicePhysicalIds` entry and of dynamic-group rules, and real tags are short
 * (`SP001_STD01`, `KIOSK`); 128 is generous for humans yet refuses a pasted paragraph.
 */
export const GROUP_TAG_MAX_LENGTH = 128;

/** Why a group tag is refused or risky. */
export type GroupTagProblem =
  /** Longer than `GROUP_TAG_MAX_LENGTH`. */
  | 'too_long'
  /** Tabs, line breaks or other control characters can never match a typed rule. */
  | 'control_character'
  /**
   * Leading or trailing spaces: matching is exact, so `"Sales "` silently misses a rule
   * for `"Sales"`. A warning, since the value may be trimmed on the user's say-so.
   */
  | 'surrounding_whitespace'
  /**
   * A double quote or comma: a `"` breaks the quoted rule value, and a `,` cannot be
   * written into the reference's unquoted CSV.
   */
  | 'rule_character';

/** Problems of a group tag as given (not trimmed); empty tags are valid (no tag). */
export function checkGroupTag(tag: string): GroupTagProblem[] {
  const problems: GroupTagProblem[] = [];
  const trimmed = tag.trim();
  if (trimmed.length > GROUP_TAG_MAX_LENGTH) {
    problems.push('too_long');
  }
  // eslint-disable-next-line no-control-regex -- control characters are what we look for
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) {
    problems.push('control_character');
  }
  if (trimmed !== tag) {
    problems.push('surrounding_whitespace');
  }
  if (/[",]/.test(trimmed)) {
    problems.push('rule_character');
  }
  return problems;
}
