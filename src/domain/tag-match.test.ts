import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  boundedEditDistance,
  describeNearMiss,
  findNearMiss,
  typoAllowance,
  type NearMiss,
} from './tag-match.js';

const mmd = 'Microsoft365Managed_Autopilot';
const known = [mmd, 'Sales_EU', 'Kiosk', 'HR', 'SP001_STD01'];

function miss(tag: string, tags: readonly string[] = known): NearMiss {
  const found = findNearMiss(tag, tags);
  if (!found) {
    throw new Error(`expected a near miss for "${tag}"`);
  }
  return found;
}

describe(findNearMiss.name, () => {
  it('finds nothing for a tag that matches exactly, for no tag, or for an unrelated tag', () => {
    expect(findNearMiss(mmd, known)).toBeNull();
    expect(findNearMiss('', known)).toBeNull();
    expect(findNearMiss('   ', known)).toBeNull();
    expect(findNearMiss('Finance', known)).toBeNull();
    expect(findNearMiss('Sales', [])).toBeNull();
  });

  it('names the intended tag when only the letter case differs', () => {
    expect(miss('microsoft365managed_autopilot')).toEqual({
      intended: mmd,
      reasons: ['case'],
      distance: 0,
    });
  });

  it('recognises stray spaces, swapped separators, and their combinations', () => {
    expect(miss(' Sales_EU ')).toEqual({
      intended: 'Sales_EU',
      reasons: ['whitespace'],
      distance: 0,
    });
    expect(miss('Sales-EU').reasons).toEqual(['separator']);
    expect(miss('Sales EU').reasons).toEqual(['separator']);
    expect(miss(' sales - eu').reasons).toEqual(['case', 'whitespace', 'separator']);
  });

  it('recognises up to two typing errors in longer tags, transpositions counting once', () => {
    expect(miss('Microsoft365Managed_Autopliot')).toEqual({
      intended: mmd,
      reasons: ['typo'],
      distance: 1,
    });
    expect(miss('microsoft365managed_autopilt')).toEqual({
      intended: mmd,
      reasons: ['case', 'typo'],
      distance: 1,
    });
    expect(miss('SP001_STD10').distance).toBe(1);
    expect(miss('SP01_STD1').distance).toBe(2);
    expect(findNearMiss('SP1_STD1', known)).toBeNull();
  });

  it('is careful with short tags: one edit for 3–4 characters, none for 2', () => {
    expect(miss('Kiosl').intended).toBe('Kiosk');
    expect(miss('SP10', ['SP01']).distance).toBe(1);
    expect(findNearMiss('SP2', ['SP01'])).toBeNull(); // two edits on a four-character tag
    expect(findNearMiss('IT', known)).toBeNull(); // HR and IT are different departments
    expect(miss('hr').reasons).toEqual(['case']);
  });

  it('prefers the closest tag, then the simplest explanation, then the first listed', () => {
    expect(miss('sales', ['Sale', 'sales '])).toEqual({
      intended: 'sales ',
      reasons: ['whitespace'],
      distance: 0,
    });
    expect(miss('Sales', ['Sale', 'sales']).intended).toBe('sales');
    expect(miss('Salez', ['Sales', 'Saleq']).intended).toBe('Sales');
  });

  it('never suggests a tag beyond the allowed number of edits', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 12 }),
        fc.string({ minLength: 1, maxLength: 12 }),
        (tag, other) => {
          const found = findNearMiss(tag, [other]);
          if (found) {
            expect(found.intended).toBe(other);
            const letters = other.toLowerCase().replace(/[\s_-]+/g, '');
            expect(found.distance).toBeLessThanOrEqual(typoAllowance(letters.length));
            expect(found.reasons.includes('typo')).toBe(found.distance > 0);
          }
        },
      ),
    );
  });

  it('answers 100 000 rows against a handful of tags quickly', () => {
    const tags = ['Sales-EU', 'sales_eu', 'Kiosk', 'Finance', 'Microsoft365Managed_Autopilots'];
    const started = performance.now();
    let found = 0;
    for (let i = 0; i < 100_000; i++) {
      found += findNearMiss(tags[i % tags.length] ?? '', known) ? 1 : 0;
    }
    expect(found).toBe(60_000);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

/** Textbook full-matrix optimal string alignment distance, to check the banded one against. */
function referenceDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i]!;
      const up = d[i - 1]!;
      row[j] = Math.min(up[j]! + 1, row[j - 1]! + 1, up[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
      }
    }
  }
  return d[a.length]![b.length]!;
}

describe(boundedEditDistance.name, () => {
  it('agrees with the full-matrix computation up to the limit', () => {
    const short = fc.string({ maxLength: 9, unit: fc.constantFrom('a', 'b', 'c') });
    fc.assert(
      fc.property(short, short, fc.integer({ min: 0, max: 4 }), (a, b, limit) => {
        expect(boundedEditDistance(a, b, limit)).toBe(Math.min(referenceDistance(a, b), limit + 1));
      }),
      { numRuns: 2000 },
    );
  });

  it('counts insertions, deletions, substitutions and adjacent swaps, stopping past the limit', () => {
    expect(boundedEditDistance('kitten', 'sitting', 5)).toBe(3);
    expect(boundedEditDistance('ab', 'ba', 5)).toBe(1);
    expect(boundedEditDistance('', 'abc', 5)).toBe(3);
    expect(boundedEditDistance('kitten', 'sitting', 2)).toBe(3);
  });

  it('is symmetric and zero only for equal strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), (a, b) => {
        expect(boundedEditDistance(a, b, 20)).toBe(boundedEditDistance(b, a, 20));
        expect(boundedEditDistance(a, b, 20) === 0).toBe(a === b);
      }),
    );
  });
});

describe(describeNearMiss.name, () => {
  it('warns that the device gets no profile and names the tag probably meant', () => {
    const tag = 'microsoft365managed_autopilot';
    const { message, hint } = describeNearMiss(tag, miss(tag));
    expect(message).toBe(
      'Group tag "microsoft365managed_autopilot" matches no profile rule, so the device will ' +
        'receive NO deployment profile. Did you mean "Microsoft365Managed_Autopilot"? (differs in letter case)',
    );
    expect(hint).toContain('"Microsoft365Managed_Autopilot"');
  });

  it('lists every difference in plain words', () => {
    expect(
      describeNearMiss('x', { intended: 'y', reasons: ['case', 'whitespace', 'typo'], distance: 2 })
        .message,
    ).toContain('(differs in letter case and spaces and by 2 typing errors)');
    expect(
      describeNearMiss('x', { intended: 'y', reasons: ['typo'], distance: 1 }).message,
    ).toContain('(differs by one typing error)');
  });
});
