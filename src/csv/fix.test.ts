import { describe, expect, it } from 'vitest';
import {
  csvText,
  encodeText,
  INTUNE_FULL_HEADER,
  INTUNE_HEADER,
  PARTNER_HEADER,
  testDevice,
} from '../../test/csv/kit.js';
import { checkCsv } from './check.js';
import { fixCsv, type FixOptions } from './fix.js';

const d1 = testDevice('SN-0001');
const d2 = testDevice('SN-0002');

async function fix(input: string | Buffer, options: FixOptions = {}) {
  let out = '';
  const result = await fixCsv(
    typeof input === 'string' ? Buffer.from(input) : input,
    (text) => {
      out += text;
    },
    options,
  );
  return { result, out };
}

describe(fixCsv.name, () => {
  it('writes UTF-8 without BOM, CRLF, the exact header and order, trimmed values, no quotes', async () => {
    const messy = csvText(
      ['hardware hash', ' Device Serial Number ', 'windows product id', 'OrderID'],
      [[d1.hardwareHash, '  SN-0001 ', '', ' Sales ']],
      { delimiter: ';', eol: '\n', quoteAll: true },
    );
    const { result, out } = await fix(encodeText(messy, 'utf-16le'));
    expect(out).toBe(
      `Device Serial Number,Windows Product ID,Hardware Hash,Group Tag\r\nSN-0001,,${d1.hardwareHash},Sales\r\n`,
    );
    expect(result).toMatchObject({ layout: 'intune', written: 1, complete: true, leftOut: [] });
    expect(result.changes.map((c) => c.message)).toEqual(
      expect.arrayContaining([
        'converted from UTF-16 LE to UTF-8 without BOM',
        'semicolons between fields replaced by commas',
        'line endings written as CRLF',
        'quotation marks removed',
        expect.stringContaining('header written as the Intune layout'),
      ]),
    );
    const again = await checkCsv(Buffer.from(out));
    expect(again.issues).toEqual([]);
  });

  it('leaves rows with errors out and lists them, never silently', async () => {
    const { result, out } = await fix(
      csvText(INTUNE_HEADER, [
        [d1.serialNumber, '', d1.hardwareHash],
        ['SN-X', '', 'broken'],
        [d1.serialNumber, '', d1.hardwareHash],
      ]),
    );
    expect(out.split('\r\n').filter(Boolean)).toHaveLength(2);
    expect(result.complete).toBe(false);
    expect(result.leftOut.map((row) => [row.line, row.issues.map((i) => i.code)])).toEqual([
      [3, ['csv.hash.signature']],
      [4, ['csv.duplicate.hash']],
    ]);
  });

  it('fills an empty serial and restores lost leading zeros from the hash, saying so', async () => {
    const surface = testDevice('016520771357', 'Microsoft Corporation', 'Surface Laptop');
    const { result, out } = await fix(
      csvText(INTUNE_HEADER, [
        ['', '', d1.hardwareHash],
        ['16520771357', '', surface.hardwareHash],
      ]),
    );
    expect(out).toContain(`\r\nSN-0001,,${d1.hardwareHash}\r\n016520771357,,`);
    expect(result.changes.filter((c) => c.line !== null)).toEqual([
      {
        line: 2,
        column: 'Device Serial Number',
        message: 'serial number "SN-0001" filled in from the hardware hash',
      },
      {
        line: 3,
        column: 'Device Serial Number',
        message: 'leading zeros of serial "016520771357" restored from the hardware hash',
      },
    ]);
  });

  it('pads an unpadded hash', async () => {
    const padded = Buffer.from(d1.hardwareHash, 'base64').subarray(0, 1454).toString('base64');
    const { out, result } = await fix(
      csvText(INTUNE_HEADER, [[d1.serialNumber, '', padded.replace(/=+$/, '')]]),
    );
    expect(out).toContain(`,${padded}\r\n`);
    expect(result.changes.some((c) => c.message === 'hardware hash padded with "="')).toBe(true);
  });

  it('drops unknown columns, and converts Intune to Partner Center saying the group tags are not carried', async () => {
    const text = csvText(
      [...INTUNE_FULL_HEADER, 'Notes'],
      [[d1.serialNumber, '', d1.hardwareHash, 'Sales', '', 'desk 4']],
    );
    const { result, out } = await fix(text, { layout: 'partner-center' });
    expect(out).toBe(
      `Device serial number,Windows product ID,Hardware hash,Manufacturer name,Device model\r\nSN-0001,,${d1.hardwareHash},,\r\n`,
    );
    expect(result.complete).toBe(true);
    expect(result.changes.map((c) => c.message)).toEqual(
      expect.arrayContaining([
        'column dropped: "Notes" (field 6)',
        'group tag values of 1 device not written: Partner Center takes the group tag per batch, not per device',
      ]),
    );
  });

  it('converts Partner Center to Intune, leaving out rows without a hash', async () => {
    const text = csvText(PARTNER_HEADER, [
      [d1.serialNumber, '', d1.hardwareHash, 'Contoso', 'Laptop 7'],
      ['SN-9', '', '', 'Contoso', 'Laptop 7'],
    ]);
    const { result, out } = await fix(text, { layout: 'intune' });
    expect(out).toBe(
      `Device Serial Number,Windows Product ID,Hardware Hash\r\nSN-0001,,${d1.hardwareHash}\r\n`,
    );
    expect(result.leftOut).toMatchObject([{ line: 3, issues: [{ code: 'csv.row.missing_hash' }] }]);
  });

  it('writes a Managed Desktop list as Partner Center, the layout that holds the tuple', async () => {
    const { result, out } = await fix('Manufacturer,Model,Serial Number\nContoso,Laptop 7,SN-7\n');
    expect(result.layout).toBe('partner-center');
    expect(out).toBe(
      'Device serial number,Windows product ID,Hardware hash,Manufacturer name,Device model\r\nSN-7,,,Contoso,Laptop 7\r\n',
    );
  });

  it('writes nothing for a file that is not a device list', async () => {
    const { result, out } = await fix('Name,Colour\r\nA,B\r\n');
    expect(out).toBe('');
    expect(result).toMatchObject({ layout: null, written: 0, complete: false });
  });

  it('quotes a value only when it must', async () => {
    const vm = testDevice('VM-1', 'VMware, Inc.', 'VMware7,1');
    const { out } = await fix(
      csvText(PARTNER_HEADER, [
        [vm.serialNumber, '', vm.hardwareHash, vm.manufacturer, vm.model],
        [d2.serialNumber, '', d2.hardwareHash, 'Contoso', 'Laptop 7'],
      ]),
    );
    expect(out).toContain(',"VMware, Inc.","VMware7,1"\r\n');
    expect(out).toContain(',Contoso,Laptop 7\r\n');
  });
});
