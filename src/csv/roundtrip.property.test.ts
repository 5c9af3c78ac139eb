/**
 * Any valid device list survives write → check → fix → check with identical devices, in
 * every supported encoding, delimiter, line ending and quoting, whatever the chunking.
 * FC_RUNS raises the number of generated cases (default kept small for a fast suite).
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
import type { CsvEncoding } from './encoding.js';
import { fixCsv } from './fix.js';
import type { DeviceValues } from './model.js';

const runs = Number(process.env.FC_RUNS ?? 30);

const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const word = (chars: string, min: number, max: number) =>
  fc.array(fc.constantFrom(...chars), { minLength: min, maxLength: max }).map((c) => c.join(''));
/** Latin-1 letters that Windows-1252 and UTF-8 can never confuse (see encoding.ts). */
const text = (min: number, max: number) =>
  fc
    .tuple(
      word('abcdefghijkXYZ0123456789äöüéß', 1, 1),
      word('abcdefgh ijkXYZ0123456789äöüéß_-', min, max),
    )
    .map(([first, rest]) => (first + rest).trim());

const deviceArb = fc.record({
  serial: word(letters, 6, 14),
  manufacturer: fc.constantFrom('Contoso', 'Fabrikam, Inc.', 'Müller GmbH', 'LENOVO'),
  model: text(2, 20),
  groupTag: fc.option(text(1, 16), { nil: '' }),
  user: fc.option(
    word('abcdefghij', 1, 8).map((local) => `${local}@contoso.com`),
    { nil: '' },
  ),
  withPkid: fc.boolean(),
});

const listArb = fc.uniqueArray(deviceArb, {
  minLength: 1,
  maxLength: 6,
  selector: (d) => d.serial,
});

const formatArb = fc.record({
  layout: fc.constantFrom('intune' as const, 'partner-center' as const),
  encoding: fc.constantFrom<CsvEncoding>(
    'utf-8',
    'utf-8-bom',
    'utf-16le',
    'utf-16be',
    'windows-1252',
  ),
  delimiter: fc.constantFrom(',', ';', '\t'),
  eol: fc.constantFrom('\r\n', '\n'),
  finalEol: fc.boolean(),
  quoteAll: fc.boolean(),
  chunk: fc.integer({ min: 1, max: 9000 }),
});

type Device = typeof deviceArb extends fc.Arbitrary<infer T> ? T : never;

/** The rows of a generated list, and the device values they must read back as. */
function build(list: readonly Device[], layout: 'intune' | 'partner-center') {
  const expected: Partial<DeviceValues>[] = [];
  const rows = list.map((d, i) => {
    const hash = testDevice(d.serial, d.manufacturer, d.model).hardwareHash;
    const pkid = d.withPkid ? `33${String(i).padStart(11, '0')}` : '';
    if (layout === 'intune') {
      expected.push({
        serialNumber: d.serial,
        productKeyId: pkid,
        hardwareHash: hash,
        groupTag: d.groupTag,
        assignedUser: d.user,
      });
      return [d.serial, pkid, hash, d.groupTag, d.user];
    }
    expected.push({
      serialNumber: d.serial,
      productKeyId: pkid,
      hardwareHash: hash,
      manufacturer: d.manufacturer,
      model: d.model,
    });
    return [d.serial, pkid, hash, d.manufacturer, d.model];
  });
  return { header: layout === 'intune' ? INTUNE_FULL_HEADER : PARTNER_HEADER, rows, expected };
}

const pick = (device: DeviceValues, like: Partial<DeviceValues>) =>
  Object.fromEntries(Object.keys(like).map((key) => [key, device[key as keyof DeviceValues]]));

describe('write → check → fix → check', () => {
  it('keeps every device identical in every encoding, delimiter, line ending and quoting', async () => {
    await fc.assert(
      fc.asyncProperty(listArb, formatArb, async (list, format) => {
        const { header, rows, expected } = build(list, format.layout);
        const bytes = encodeText(csvText(header, rows, format), format.encoding);
        const first = await checkCsv(chunked(bytes, format.chunk), { records: true });
        expect(first.issues.filter((i) => i.severity === 'error')).toEqual([]);
        expect(first).toMatchObject({
          ok: true,
          layout: format.layout,
          delimiter: format.delimiter,
          devices: list.length,
        });
        if (/[^ -~\r\n\t]/.test(csvText(header, rows))) {
          expect(first.encoding).toBe(format.encoding);
        }
        expect(first.records?.map((r, i) => pick(r.device, expected[i] ?? {}))).toEqual(expected);

        let fixed = '';
        const result = await fixCsv(chunked(bytes, format.chunk), (t) => {
          fixed += t;
        });
        expect(result).toMatchObject({ complete: true, written: list.length });
        const second = await checkCsv(Buffer.from(fixed, 'utf8'), { records: true });
        expect(second).toMatchObject({
          ok: true,
          encoding: 'utf-8',
          delimiter: ',',
          lineEnding: 'crlf',
          devices: list.length,
        });
        expect(second.records?.map((r) => r.device)).toEqual(first.records?.map((r) => r.device));

        let again = '';
        await fixCsv(Buffer.from(fixed), (t) => {
          again += t;
        });
        expect(again).toBe(fixed);
      }),
      { numRuns: runs },
    );
  });
});
