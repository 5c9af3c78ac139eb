/**
 * Damaged files: byte flips, truncation, inserted quotes, BOMs and line breaks. Reading
 * never throws, and the verdict is either "ok" or errors located on real lines — the same
 * verdict however the bytes are chunked. FC_RUNS raises the number of cases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chunked,
  csvText,
  encodeText,
  INTUNE_FULL_HEADER,
  PARTNER_HEADER,
  testDevice,
} from '../../test/csv/kit.js';
import { checkCsv } from './check.js';
import { issueCatalogue } from './diagnostics.js';
import type { CsvEncoding } from './encoding.js';

const runs = Number(process.env.FC_RUNS ?? 60);

const devices = [
  testDevice('PF5NRH33', 'LENOVO', '21G2001VUS'),
  testDevice('5CG1457YL8', 'HP', 'HP EliteBook 840 G8'),
  testDevice('R9-ZNP67'),
];
const originals: Record<string, string> = {
  intune: csvText(
    INTUNE_FULL_HEADER,
    devices.map((d, i) => [
      d.serialNumber,
      '',
      d.hardwareHash,
      i === 1 ? 'Vertrieb "Süd"' : 'Sales',
      i === 2 ? 'ada@contoso.com' : '',
    ]),
    { quoteAll: false },
  ),
  partner: csvText(
    PARTNER_HEADER,
    devices.map((d) => [d.serialNumber, '', d.hardwareHash, d.manufacturer, d.model]),
    { delimiter: ';', eol: '\n' },
  ),
};

type Mutation =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'delete'; at: number; length: number };

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const mutationArb: fc.Arbitrary<Mutation> = fc
  .oneof(
    fc.record({
      kind: fc.constant('flip' as const),
      at: position.map((p) => p),
      mask: fc.integer({ min: 1, max: 255 }),
    }),
    fc.record({ kind: fc.constant('truncate' as const), at: position }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: position,
      bytes: fc.constantFrom(
        [0x22],
        [0x22, 0x22],
        [0xef, 0xbb, 0xbf],
        [0xff, 0xfe],
        [0xfe, 0xff],
        [0x0a],
        [0x0d],
        [0x2c],
        [0x3b],
        [0x00],
        [0xfc],
      ),
    }),
    fc.record({
      kind: fc.constant('delete' as const),
      at: position,
      length: fc.integer({ min: 1, max: 50 }),
    }),
  )
  .map((m) => m as Mutation);

function mutate(bytes: Buffer, mutations: readonly Mutation[]): Buffer {
  let out = Buffer.from(bytes);
  for (const m of mutations) {
    const at = Math.floor(m.at * out.length);
    switch (m.kind) {
      case 'flip':
        if (out.length > 0) {
          out[at] = (out[at] ?? 0) ^ m.mask;
        }
        break;
      case 'truncate':
        out = out.subarray(0, at);
        break;
      case 'insert':
        out = Buffer.concat([out.subarray(0, at), Buffer.from(m.bytes), out.subarray(at)]);
        break;
      case 'delete':
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + m.length)]);
        break;
    }
  }
  return out;
}

describe('damaged device lists', () => {
  it('never throw, and give either ok or errors located on real lines, whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('intune', 'partner'),
        fc.constantFrom<CsvEncoding>('utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be', 'windows-1252'),
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 5000 }),
        async (which, encoding, mutations, chunk) => {
          const text = originals[which] ?? '';
          const bytes = mutate(
            encodeText(encoding === 'windows-1252' ? text : text, encoding),
            mutations,
          );
          const report = await checkCsv(bytes);
          for (const issue of report.issues) {
            expect(issue.severity).toBe(issueCatalogue[issue.code].severity);
            expect(Number.isInteger(issue.line)).toBe(true);
            expect(issue.line).toBeGreaterThanOrEqual(1);
            expect(issue.line).toBeLessThanOrEqual(report.lines);
            expect(issue.hint).not.toBe('');
          }
          const errors = report.issues.filter((issue) => issue.severity === 'error');
          expect(report.ok).toBe(errors.length === 0);
          expect(report.devices).toBeLessThanOrEqual(report.rows);
          const streamed = await checkCsv(chunked(bytes, chunk));
          expect(streamed.issues).toEqual(report.issues);
          expect(streamed.devices).toBe(report.devices);
        },
      ),
      { numRuns: runs },
    );
  });
});
