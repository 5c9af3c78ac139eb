import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PreflightError } from '../../domain/errors.js';
import { deviceConditionFields } from '../../store/device.repo.js';
import {
  DEVICE_FILTER_MAX_LENGTH,
  DEVICE_FILTER_MAX_TERMS,
  formatDeviceFilter,
  parseDeviceFilter,
  type DeviceCondition,
} from './filter.js';

/** The error `text` is refused with. */
function refusal(text: string): PreflightError {
  try {
    parseDeviceFilter(text);
  } catch (error) {
    if (error instanceof PreflightError) {
      return error;
    }
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`);
}

function positionOf(text: string): unknown {
  return refusal(text).details.position;
}

describe(parseDeviceFilter.name, () => {
  it('reads the filters Microsoft tools send', () => {
    expect(parseDeviceFilter("contains(serialNumber,'PF5NRH33')")).toEqual([
      { field: 'serialNumber', op: 'contains', value: 'PF5NRH33' },
    ]);
    expect(parseDeviceFilter("groupTag eq 'Sales'")).toEqual([
      { field: 'groupTag', op: 'eq', value: 'Sales' },
    ]);
    expect(parseDeviceFilter("startswith(model,'Surface')")).toEqual([
      { field: 'model', op: 'startswith', value: 'Surface' },
    ]);
  });

  it('joins conditions with and, in any letter case, with or without parentheses', () => {
    expect(
      parseDeviceFilter(
        "(startsWith(Manufacturer,'HP')) AND (MODEL EQ 'EliteBook') and ((contains(serialnumber, 'X')))",
      ),
    ).toEqual([
      { field: 'manufacturer', op: 'startswith', value: 'HP' },
      { field: 'model', op: 'eq', value: 'EliteBook' },
      { field: 'serialNumber', op: 'contains', value: 'X' },
    ]);
    expect(parseDeviceFilter("(groupTag eq 'a' and model eq 'b')")).toEqual([
      { field: 'groupTag', op: 'eq', value: 'a' },
      { field: 'model', op: 'eq', value: 'b' },
    ]);
  });

  it('tolerates whitespace around every token', () => {
    expect(
      parseDeviceFilter("\t CONTAINS ( serialNumber ,\n'a b' )\r\n and\tgroupTag   eq'c'  "),
    ).toEqual([
      { field: 'serialNumber', op: 'contains', value: 'a b' },
      { field: 'groupTag', op: 'eq', value: 'c' },
    ]);
  });

  it("reads '' inside a string as one quote, and keeps any other character as given", () => {
    expect(parseDeviceFilter("model eq 'O''Brien''s'")).toEqual([
      { field: 'model', op: 'eq', value: "O'Brien's" },
    ]);
    expect(parseDeviceFilter("groupTag eq ''")).toEqual([
      { field: 'groupTag', op: 'eq', value: '' },
    ]);
    expect(parseDeviceFilter("groupTag eq ''''")).toEqual([
      { field: 'groupTag', op: 'eq', value: "'" },
    ]);
    expect(parseDeviceFilter("contains(model,'Köln 50% _ \" ) and 🚀')")).toEqual([
      { field: 'model', op: 'contains', value: 'Köln 50% _ " ) and 🚀' },
    ]);
  });

  it(`accepts up to ${DEVICE_FILTER_MAX_TERMS} conditions`, () => {
    const text = Array.from({ length: DEVICE_FILTER_MAX_TERMS }, (_, i) => `model eq '${i}'`).join(
      ' and ',
    );
    expect(parseDeviceFilter(text)).toHaveLength(DEVICE_FILTER_MAX_TERMS);
  });
});

describe('refused filters', () => {
  it('are input.invalid naming $filter, the position, what was found and what is supported', () => {
    const error = refusal("serialNumber eq 'A' or groupTag eq 'B'");
    expect(error.code).toBe('input.invalid');
    expect(error.details).toEqual({ field: '$filter', position: 20 });
    expect(error.message).toContain('"or" at position 20');
    expect(error.message).toContain('Supported:');
    expect(error.message).toContain('serialNumber, groupTag, manufacturer, model');
    expect(error.remedy).toContain("contains(serialNumber,'PF5')");
  });

  it('refuses or and not', () => {
    expect(positionOf("(model eq 'a' OR model eq 'b')")).toBe(14);
    expect(positionOf("not contains(model,'a')")).toBe(0);
    expect(refusal("not contains(model,'a')").message).toContain('only be combined with "and"');
    expect(positionOf("model eq 'a' and not model eq 'b'")).toBe(17);
  });

  it('refuses other fields, naming them', () => {
    const error = refusal("model eq 'a' and enrollmentState eq 'enrolled'");
    expect(error.details.position).toBe(17);
    expect(error.message).toContain('"enrollmentState"');
    expect(positionOf("contains(displayName,'x')")).toBe(9);
    expect(positionOf("contains('x',model)")).toBe(9);
  });

  it('refuses other operators and functions', () => {
    expect(refusal("model ne 'a'").message).toContain('"ne" at position 6');
    expect(refusal("endswith(model,'a')").message).toContain('"endswith" at position 0');
    expect(refusal("model eq 'a' and physicalIds/any(p: startswith(p,'x'))").message).toContain(
      '"physicalIds" at position 17',
    );
  });

  it('refuses numbers and unquoted values', () => {
    expect(refusal('model eq 42').message).toContain('number 42 at position 9');
    expect(positionOf('model eq -1.5e3')).toBe(9);
    expect(positionOf('model eq null')).toBe(9);
    expect(refusal('model eq "a"').message).toContain('double quote at position 9');
  });

  it('refuses an unterminated string at its opening quote', () => {
    expect(positionOf("model eq 'a")).toBe(9);
    expect(positionOf("model eq 'it''s")).toBe(9);
    expect(refusal("contains(model,'abc)").message).toContain('never closed at position 15');
  });

  it('refuses incomplete or unbalanced text', () => {
    expect(refusal('').message).toContain('the end of the filter at position 0');
    expect(positionOf('   ')).toBe(3);
    expect(positionOf("model eq 'a' and")).toBe(16);
    expect(positionOf("(model eq 'a'")).toBe(13);
    expect(positionOf("model eq 'a')")).toBe(12);
    expect(positionOf("contains(model 'a')")).toBe(15);
    expect(positionOf("model eq 'a' model eq 'b'")).toBe(13);
    expect(positionOf("model eq 'a' & model eq 'b'")).toBe(13);
  });

  it(`refuses more than ${DEVICE_FILTER_MAX_TERMS} conditions at the first one too many`, () => {
    const terms = Array.from({ length: DEVICE_FILTER_MAX_TERMS + 1 }, (_, i) => `model eq '${i}'`);
    const text = terms.join(' and ');
    const error = refusal(text);
    expect(error.details.position).toBe(text.lastIndexOf('model'));
    expect(error.message).toContain(`at most ${DEVICE_FILTER_MAX_TERMS}`);
  });

  it(`refuses text over ${DEVICE_FILTER_MAX_LENGTH} characters before reading it`, () => {
    const text = `model eq '${'x'.repeat(DEVICE_FILTER_MAX_LENGTH)}'`;
    expect(positionOf(text)).toBe(DEVICE_FILTER_MAX_LENGTH);
    const exact = `model eq '${'x'.repeat(DEVICE_FILTER_MAX_LENGTH - 11)}'`;
    expect(exact).toHaveLength(DEVICE_FILTER_MAX_LENGTH);
    expect(parseDeviceFilter(exact)).toHaveLength(1);
  });
});

// Values rich in what the syntax cares about: quotes, parentheses, commas, spaces,
// keywords, LIKE wildcards, and any Unicode code point.
const valueArb = fc.string({
  unit: fc.oneof(
    fc.constantFrom("'", "''", '(', ')', ',', ' ', ' and ', ' or ', '%', '_', '\\', '"'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 12,
});

const conditionArb: fc.Arbitrary<DeviceCondition> = fc.record({
  field: fc.constantFrom(...deviceConditionFields),
  op: fc.constantFrom('eq', 'contains', 'startswith'),
  value: valueArb,
});

/** A word in a random letter case. */
const recase = (word: string, mask: number) =>
  [...word].map((c, i) => ((mask >> (i % 30)) & 1 ? c.toUpperCase() : c.toLowerCase())).join('');

const spaceArb = fc.constantFrom('', ' ', '  ', '\t', '\n', ' \r\n ');

/** The conditions written the way a sloppy client might: any case, spacing, parentheses. */
const noisyFilterArb = fc
  .array(
    fc.tuple(
      conditionArb,
      fc.nat(),
      fc.array(spaceArb, { minLength: 8, maxLength: 8 }),
      fc.nat({ max: 2 }),
    ),
    { minLength: 1, maxLength: DEVICE_FILTER_MAX_TERMS },
  )
  .map((terms) => ({
    conditions: terms.map(([c]) => c),
    text: terms
      .map(([c, mask, s, parens]) => {
        const value = `'${c.value.replaceAll("'", "''")}'`;
        const field = recase(c.field, mask);
        const term =
          c.op === 'eq'
            ? `${s[0]}${field}${s[1] || ' '}${recase('eq', mask >> 3)}${s[2]}${value}${s[3]}`
            : `${s[0]}${recase(c.op === 'startswith' ? 'startsWith' : c.op, mask >> 5)}${s[1]}(${s[2]}${field}${s[3]},${s[4]}${value}${s[5]})${s[6]}`;
        return `${'('.repeat(parens)}${term}${')'.repeat(parens)}`;
      })
      .join(` ${recase('and', 7)} `),
  }));

describe('round trip', () => {
  it('formatDeviceFilter output parses back to the same conditions', () => {
    fc.assert(
      fc.property(
        fc.array(conditionArb, { minLength: 1, maxLength: DEVICE_FILTER_MAX_TERMS }),
        (conditions) => {
          expect(parseDeviceFilter(formatDeviceFilter(conditions))).toEqual(conditions);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('any spelling, spacing and parenthesising parses to the same conditions', () => {
    fc.assert(
      fc.property(noisyFilterArb, ({ conditions, text }) => {
        expect(parseDeviceFilter(text)).toEqual(conditions);
      }),
      { numRuns: 500 },
    );
  });
});
