import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ASSIGNMENT_RULE_MAX_LENGTH,
  devicePhysicalIds,
  evaluateRule,
  exactGroupTags,
  formatRule,
  parseAssignmentRule,
  physicalIdAttributes,
  ruleForGroupTag,
  ruleOperators,
  type AssignmentRule,
  type RuleParseError,
} from './assignment-rule.js';
import { PreflightError } from './errors.js';

const mmdRule = '(device.devicePhysicalIds -any (_ -eq "[OrderID]:Microsoft365Managed_Autopilot"))';

function parse(text: string): AssignmentRule {
  const result = parseAssignmentRule(text);
  if (!result.ok) {
    throw new Error(`expected ${text} to parse: ${result.error.message}`);
  }
  return result.rule;
}

function parseError(text: string): RuleParseError {
  const result = parseAssignmentRule(text);
  if (result.ok) {
    throw new Error(`expected ${text} to be refused`);
  }
  return result.error;
}

const device = (groupTag: string | null, purchaseOrderId: string | null = null): string[] =>
  devicePhysicalIds({ groupTag, purchaseOrderId, ztdId: '7f9e6025-1e13-45f3-bf82-a3e8c5b59eac' });

describe(parseAssignmentRule.name, () => {
  it('reads the rules the reference documents', () => {
    expect(parse(mmdRule)).toEqual({
      kind: 'condition',
      operator: 'eq',
      attribute: 'OrderID',
      value: 'Microsoft365Managed_Autopilot',
    });
    expect(
      parse('(device.devicePhysicalIds -any (_ -startsWith "[PurchaseOrderId]:PO-"))'),
    ).toEqual({
      kind: 'condition',
      operator: 'startsWith',
      attribute: 'PurchaseOrderId',
      value: 'PO-',
    });
    expect(parse('(device.devicePhysicalIDs -any (_ -contains "[ZTDId]"))')).toEqual({
      kind: 'condition',
      operator: 'contains',
      attribute: 'ZTDId',
      value: null,
    });
  });

  it('accepts any letter case in property, operator and attribute names, and no inner parentheses', () => {
    const rule = parse('DEVICE.DEVICEPHYSICALIDS -ANY _ -STARTSWITH "[ztdid]:"');
    expect(rule).toEqual({
      kind: 'condition',
      operator: 'startsWith',
      attribute: 'ZTDId',
      value: '',
    });
  });

  it('gives -and precedence over -or, and follows parentheses', () => {
    const a = '(device.devicePhysicalIds -any (_ -eq "[OrderID]:A"))';
    const b = '(device.devicePhysicalIds -any (_ -eq "[OrderID]:B"))';
    const c = '(device.devicePhysicalIds -any (_ -eq "[OrderID]:C"))';
    const leaf = (value: string) =>
      parse(`(device.devicePhysicalIds -any (_ -eq "[OrderID]:${value}"))`);
    expect(parse(`${a} -or ${b} -and ${c}`)).toEqual({
      kind: 'or',
      rules: [leaf('A'), { kind: 'and', rules: [leaf('B'), leaf('C')] }],
    });
    expect(parse(`(${a} -or ${b}) -and ${c}`)).toEqual({
      kind: 'and',
      rules: [{ kind: 'or', rules: [leaf('A'), leaf('B')] }, leaf('C')],
    });
  });

  it('reads Entra backtick escapes and doubled quotes inside values', () => {
    const expected = { kind: 'condition', operator: 'eq', attribute: 'OrderID', value: 'Sa"les`x' };
    expect(parse('device.devicePhysicalIds -any (_ -eq "[OrderID]:Sa`"les``x")')).toEqual(expected);
    expect(parse('device.devicePhysicalIds -any (_ -eq "[OrderID]:Sa""les``x")')).toEqual(expected);
  });

  it('names the unknown operator, its position and the operators allowed', () => {
    const error = parseError('(device.devicePhysicalIds -any (_ -eqq "[OrderID]:Sales"))');
    expect(error.position).toBe(34);
    expect(error.message).toContain('-eqq');
    expect(error.message).toContain('expected -eq, -startsWith or -contains');
  });

  it('says that Entra operators outside the tag vocabulary are not supported', () => {
    const error = parseError('(device.devicePhysicalIds -any (_ -ne "[OrderID]:Sales"))');
    expect(error.message).toMatch(/^Unsupported operator -ne at position 34/);
  });

  it('points at the unclosed parenthesis', () => {
    const error = parseError('(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales")');
    expect(error.position).toBe(56);
    expect(error.message).toContain('expected ")" to close the "(" at position 0');
  });

  it('points at an unterminated value and explains how to escape quotes', () => {
    const error = parseError('(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales))');
    expect(error.position).toBe(38);
    expect(error.hint).toContain('`"');
  });

  it('refuses other properties, -all, a missing _ and a missing value', () => {
    expect(parseError('(device.displayName -any (_ -eq "[OrderID]:A"))').message).toContain(
      'expected device.devicePhysicalIds',
    );
    expect(parseError('(device.devicePhysicalIds -all (_ -eq "[OrderID]:A"))').message).toContain(
      'expected -any',
    );
    expect(parseError('(device.devicePhysicalIds -any (x -eq "[OrderID]:A"))').position).toBe(32);
    expect(parseError('(device.devicePhysicalIds -any (_ -eq Sales))').message).toContain(
      'expected a quoted value',
    );
  });

  it('refuses values that name no Autopilot attribute, or lack the colon', () => {
    const error = parseError('(device.devicePhysicalIds -any (_ -eq "[GroupTag]:Sales"))');
    expect(error.message).toContain('[OrderID], [PurchaseOrderId] or [ZTDId]');
    expect(
      parseError('(device.devicePhysicalIds -any (_ -eq "[OrderID]Sales"))').message,
    ).toContain('expected ":"');
  });

  it('refuses -eq on a bare attribute, which could never match', () => {
    const error = parseError('(device.devicePhysicalIds -any (_ -eq "[ZTDId]"))');
    expect(error.hint).toContain('-startsWith "[ZTDId]"');
  });

  it('refuses empty rules, trailing text, -not, and typographic quotes', () => {
    expect(parseError('  ').message).toBe('The rule is empty.');
    expect(parseError(`${mmdRule} Sales`).message).toContain('expected -and, -or or the end');
    expect(parseError(`-not ${mmdRule}`).message).toContain('-not');
    const curly = parseError('(device.devicePhysicalIds -any (_ -eq “[OrderID]:Sales”))');
    expect(curly.position).toBe(38);
    expect(curly.hint).toContain('straight double quotes');
  });

  it(`refuses rules longer than Entra's ${ASSIGNMENT_RULE_MAX_LENGTH} characters`, () => {
    const long = Array.from({ length: 60 }, (_, i) => ruleForGroupTag(`Tag-${i}`)).join(' -or ');
    expect(long.length).toBeGreaterThan(ASSIGNMENT_RULE_MAX_LENGTH);
    expect(parseError(long).message).toContain('at most 3072');
  });
});

describe(evaluateRule.name, () => {
  it('matches the group tag exactly, letter case included', () => {
    const rule = parse(mmdRule);
    expect(evaluateRule(rule, device('Microsoft365Managed_Autopilot'))).toBe(true);
    expect(evaluateRule(rule, device('microsoft365managed_autopilot'))).toBe(false);
    expect(evaluateRule(rule, device('Microsoft365Managed_Autopilot '))).toBe(false);
    expect(evaluateRule(rule, device(null))).toBe(false);
  });

  it('compares the bracketed attribute name without regard to case', () => {
    const rule = parse('(device.devicePhysicalIds -any (_ -startsWith "[ZTDID]"))');
    expect(evaluateRule(rule, ['[ZTDId]:abc'])).toBe(true);
    expect(evaluateRule(rule, ['[ztdid]:abc'])).toBe(true);
    expect(evaluateRule(rule, ['[OrderID]:ZTDId'])).toBe(false);
  });

  it('selects every Autopilot device with the documented [ZTDId] rule', () => {
    const rule = parse('(device.devicePhysicalIDs -any (_ -contains "[ZTDId]"))');
    expect(evaluateRule(rule, device(null))).toBe(true);
    expect(evaluateRule(rule, [])).toBe(false);
  });

  it('combines tag and purchase-order conditions with -and and -or', () => {
    const rule = parse(
      '(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales")) -and (device.devicePhysicalIds -any (_ -startsWith "[PurchaseOrderId]:PO-")) -or (device.devicePhysicalIds -any (_ -contains "[OrderID]:Kiosk"))',
    );
    expect(evaluateRule(rule, device('Sales', 'PO-1'))).toBe(true);
    expect(evaluateRule(rule, device('Sales', 'X-1'))).toBe(false);
    expect(evaluateRule(rule, device('Kiosk-EU', null))).toBe(true);
  });

  it('selects the device whose tag a rule was made for, and not a differently cased one', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), (tag) => {
        const rule = parse(ruleForGroupTag(tag));
        expect(evaluateRule(rule, device(tag))).toBe(true);
        const other = tag.toUpperCase() === tag ? tag.toLowerCase() : tag.toUpperCase();
        expect(evaluateRule(rule, device(other))).toBe(other === tag);
      }),
    );
  });
});

describe(devicePhysicalIds.name, () => {
  it('writes the tag, the purchase order and the ZTD id as Autopilot does', () => {
    expect(devicePhysicalIds({ groupTag: 'Sales', purchaseOrderId: 'PO-7', ztdId: 'z1' })).toEqual([
      '[OrderID]:Sales',
      '[PurchaseOrderId]:PO-7',
      '[ZTDId]:z1',
    ]);
    expect(devicePhysicalIds({ groupTag: '', purchaseOrderId: null, ztdId: 'z1' })).toEqual([
      '[ZTDId]:z1',
    ]);
  });
});

describe(ruleForGroupTag.name, () => {
  it('writes the canonical "tag equals" rule, escaping quotes the Entra way', () => {
    expect(ruleForGroupTag('Microsoft365Managed_Autopilot')).toBe(mmdRule);
    expect(ruleForGroupTag('a"b')).toBe('(device.devicePhysicalIds -any (_ -eq "[OrderID]:a`"b"))');
  });

  it('refuses the empty tag, naming the field', () => {
    expect(() => ruleForGroupTag('')).toThrow(PreflightError);
    try {
      ruleForGroupTag('');
    } catch (error) {
      expect((error as PreflightError).details).toEqual({ field: 'groupTag' });
    }
  });
});

// Characters that matter to the syntax come up often; any other code point now and then.
const ruleValue = fc.oneof(
  fc.string({
    maxLength: 12,
    unit: fc.constantFrom('a', 'Z', '0', '"', '`', ' ', '(', ')', ':', '[', ']', '-'),
  }),
  fc.string({ maxLength: 12, unit: 'binary' }),
);

const arbitraryRule: fc.Arbitrary<AssignmentRule> = fc.letrec<{ rule: AssignmentRule }>((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc
      .record({
        kind: fc.constant('condition' as const),
        operator: fc.constantFrom(...ruleOperators),
        attribute: fc.constantFrom(...physicalIdAttributes),
        value: fc.option(ruleValue, { nil: null }),
      })
      .filter((c) => !(c.operator === 'eq' && c.value === null)),
    fc.record({
      kind: fc.constantFrom('and' as const, 'or' as const),
      rules: fc.array(tie('rule'), { minLength: 2, maxLength: 3 }),
    }),
  ),
})).rule;

describe(formatRule.name, () => {
  it('writes text that parses back to the same rule', () => {
    fc.assert(
      fc.property(arbitraryRule, (rule) => {
        const text = formatRule(rule);
        fc.pre(text.length <= ASSIGNMENT_RULE_MAX_LENGTH);
        expect(parse(text)).toEqual(rule);
      }),
    );
  });

  it('normalises spelling to the canonical form', () => {
    const text = 'DEVICE.devicePhysicalIDs -Any _ -STARTSWITH "[purchaseorderid]:PO"';
    expect(formatRule(parse(text))).toBe(
      '(device.devicePhysicalIds -any (_ -startsWith "[PurchaseOrderId]:PO"))',
    );
  });
});

describe(exactGroupTags.name, () => {
  it('lists the tags a rule tests with -eq, once each, ignoring prefixes and other attributes', () => {
    const rule = parse(
      [
        ruleForGroupTag('Sales'),
        '(device.devicePhysicalIds -any (_ -startsWith "[OrderID]:Kiosk"))',
        '(device.devicePhysicalIds -any (_ -eq "[PurchaseOrderId]:PO-1"))',
        `(${ruleForGroupTag('HR')} -and ${ruleForGroupTag('Sales')})`,
      ].join(' -or '),
    );
    expect(exactGroupTags(rule)).toEqual(['Sales', 'HR']);
  });
});
