/**
 * Assignment rules: the Entra dynamic device-group syntax the reference uses to pick the
 * devices a deployment profile goes to, restricted to what a group tag can drive
 * (API-FACTS §2.6), e.g. `(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))`.
 *
 * Supported: `device.devicePhysicalIds -any (_ <op> "<value>")` (the parentheses around
 * the condition are optional, as in Entra), `<op>` one of `-eq`, `-startsWith`,
 * `-contains`, combined with `-and` (binds tighter) and `-or` and parentheses. Property
 * and operator names are case-insensitive, as in Entra.
 *
 * String literals are double-quoted. A `"` inside one is written `` `" `` (Entra's own
 * escape, so rules copy both ways) or `""`; a literal backtick is ``` `` ```. Any other
 * backtick sequence is refused rather than guessed. `formatRule` always writes the
 * backtick form.
 *
 * A value must start with `[OrderID]`, `[PurchaseOrderId]` or `[ZTDId]` (the only
 * entries Autopilot writes); the bracketed name compares case-insensitively, the text
 * after the colon case-sensitively, because the reference matches group tags exactly.
 * (Entra's rule documentation calls string comparison case-insensitive; issue 5 reports
 * that a tag differing only in case gets no profile. Exact matching is the cautious
 * reading: at worst Preflight warns about a tag Entra would have accepted.)
 * @module
 */
import { readAssignmentRule } from './assignment-rule.parse.js';
import { PreflightError } from './errors.js';

/** The `devicePhysicalIds` entries Autopilot writes, in their canonical spelling. */
export const physicalIdAttributes = ['OrderID', 'PurchaseOrderId', 'ZTDId'] as const;
/** `OrderID` (group tag), `PurchaseOrderId` or `ZTDId`. */
export type PhysicalIdAttribute = (typeof physicalIdAttributes)[number];

/** The comparisons a rule may make, spelt as in the rule text without the dash. */
export const ruleOperators = ['eq', 'startsWith', 'contains'] as const;
/** `eq`, `startsWith` or `contains`. */
export type RuleOperator = (typeof ruleOperators)[number];

/** `device.devicePhysicalIds -any (_ -<operator> "[<attribute>]:<value>")`. */
export interface PhysicalIdCondition {
  readonly kind: 'condition';
  readonly operator: RuleOperator;
  readonly attribute: PhysicalIdAttribute;
  /** Text after `[Attribute]:`; `null` for a bare `"[ZTDId]"` (no colon). */
  readonly value: string | null;
}

/** Two or more rules joined by one operator; nesting mirrors the parentheses written. */
export interface RuleCombination {
  readonly kind: 'and' | 'or';
  readonly rules: readonly AssignmentRule[];
}

/** A parsed assignment rule. */
export type AssignmentRule = PhysicalIdCondition | RuleCombination;

/** Where and why a rule text could not be read. */
export interface RuleParseError {
  /** What is wrong and what was expected there. */
  readonly message: string;
  /** 0-based character offset into the rule text. */
  readonly position: number;
  /** What to write instead. */
  readonly hint: string;
}

/** The outcome of `parseAssignmentRule`: the rule, or the first error in the text. */
export type RuleParseResult =
  | { readonly ok: true; readonly rule: AssignmentRule }
  | { readonly ok: false; readonly error: RuleParseError };

/** Entra refuses membership rules longer than this many characters. */
export const ASSIGNMENT_RULE_MAX_LENGTH = 3072;

/** Reads a rule text; never throws for bad input, the error says where and why. */
export function parseAssignmentRule(text: string): RuleParseResult {
  if (text.length > ASSIGNMENT_RULE_MAX_LENGTH) {
    return {
      ok: false,
      error: {
        message: `The rule is ${text.length} characters long; Entra accepts at most ${ASSIGNMENT_RULE_MAX_LENGTH}.`,
        position: ASSIGNMENT_RULE_MAX_LENGTH,
        hint: 'Split the rule over several profiles, or use -startsWith to cover many tags at once.',
      },
    };
  }
  return readAssignmentRule(text, { operators: ruleOperators, attribute: physicalIdAttribute });
}

const attributeByLowerName = new Map<string, PhysicalIdAttribute>(
  physicalIdAttributes.map((a) => [a.toLowerCase(), a]),
);

/** The attribute named by `name` (without brackets), compared case-insensitively. */
export function physicalIdAttribute(name: string): PhysicalIdAttribute | undefined {
  return attributeByLowerName.get(name.toLowerCase());
}

/** Rewrites a known `[attribute]` prefix to its canonical spelling; the rest is kept. */
function canonicalPhysicalId(id: string): string {
  if (!id.startsWith('[')) {
    return id;
  }
  const close = id.indexOf(']');
  const attribute = close > 0 ? physicalIdAttribute(id.slice(1, close)) : undefined;
  return attribute === undefined ? id : `[${attribute}]${id.slice(close + 1)}`;
}

function conditionText(condition: PhysicalIdCondition): string {
  return `[${condition.attribute}]${condition.value === null ? '' : `:${condition.value}`}`;
}

function holds(rule: AssignmentRule, ids: readonly string[]): boolean {
  switch (rule.kind) {
    case 'and':
      return rule.rules.every((r) => holds(r, ids));
    case 'or':
      return rule.rules.some((r) => holds(r, ids));
    case 'condition': {
      const wanted = conditionText(rule);
      switch (rule.operator) {
        case 'eq':
          return ids.includes(wanted);
        case 'startsWith':
          return ids.some((id) => id.startsWith(wanted));
        case 'contains':
          return ids.some((id) => id.includes(wanted));
      }
    }
  }
}

/**
 * True when a device with these `devicePhysicalIds` belongs to the rule's group. Bracketed
 * attribute names compare case-insensitively (`[ZTDID]` = `[ZTDId]`); everything else,
 * the group tag included, compares exactly.
 */
export function evaluateRule(rule: AssignmentRule, physicalIds: readonly string[]): boolean {
  return holds(rule, physicalIds.map(canonicalPhysicalId));
}

/**
 * The `devicePhysicalIds` entries Autopilot gives a registered device (API-FACTS §2.6).
 * An empty or absent group tag or purchase order writes no entry, as in Entra.
 */
export function devicePhysicalIds(device: {
  readonly groupTag: string | null;
  readonly purchaseOrderId: string | null;
  readonly ztdId: string;
}): string[] {
  const ids: string[] = [];
  if (device.groupTag) {
    ids.push(`[OrderID]:${device.groupTag}`);
  }
  if (device.purchaseOrderId) {
    ids.push(`[PurchaseOrderId]:${device.purchaseOrderId}`);
  }
  ids.push(`[ZTDId]:${device.ztdId}`);
  return ids;
}

/** Quotes a value for a rule: Entra escapes `"` and the backtick itself with a backtick. */
function quote(value: string): string {
  return `"${value.replaceAll('`', '``').replaceAll('"', '`"')}"`;
}

/**
 * The canonical text of a rule: every condition in the fully parenthesised Entra form,
 * nested combinations in parentheses. `parseAssignmentRule(formatRule(r))` gives back `r`.
 */
export function formatRule(rule: AssignmentRule): string {
  if (rule.kind === 'condition') {
    return `(device.devicePhysicalIds -any (_ -${rule.operator} ${quote(conditionText(rule))}))`;
  }
  return rule.rules
    .map((r) => (r.kind === 'condition' ? formatRule(r) : `(${formatRule(r)})`))
    .join(` -${rule.kind} `);
}

/** The canonical rule selecting exactly the devices whose group tag is `tag`. */
export function ruleForGroupTag(tag: string): string {
  if (tag === '') {
    throw new PreflightError(
      'input.invalid',
      'A rule needs a group tag: devices without a tag have no [OrderID] entry to match.',
      { field: 'groupTag' },
      'Give the group tag the devices are registered with.',
    );
  }
  const text = formatRule({ kind: 'condition', operator: 'eq', attribute: 'OrderID', value: tag });
  if (text.length > ASSIGNMENT_RULE_MAX_LENGTH) {
    throw new PreflightError(
      'input.invalid',
      `The rule for this group tag would be ${text.length} characters; Entra accepts at most ${ASSIGNMENT_RULE_MAX_LENGTH}.`,
      { field: 'groupTag' },
      'Use a shorter group tag.',
    );
  }
  return text;
}

/**
 * The group tags a rule tests for equality (`-eq "[OrderID]:<tag>"`), in order of
 * appearance without repeats: the tags a near-miss warning compares a device's tag with.
 */
export function exactGroupTags(rule: AssignmentRule): string[] {
  const tags = new Set<string>();
  const visit = (r: AssignmentRule): void => {
    if (r.kind !== 'condition') {
      r.rules.forEach(visit);
    } else if (r.operator === 'eq' && r.attribute === 'OrderID' && r.value !== null) {
      tags.add(r.value);
    }
  };
  visit(rule);
  return [...tags];
}
