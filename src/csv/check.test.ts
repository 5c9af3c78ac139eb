import { describe, expect, it } from 'vitest';
import {
  csvText,
  editHash,
  encodeText,
  INTUNE_FULL_HEADER,
  INTUNE_HEADER,
  PARTNER_HEADER,
  testDevice,
} from '../../test/csv/kit.js';
import { checkCsv } from './check.js';

const d1 = testDevice('SN-0001');
const d2 = testDevice('SN-0002');
const check = (text: string, options = {}) => checkCsv(Buffer.from(text), options);
const codes = (report: { issues: readonly { code: string }[] }) =>
  report.issues.map((issue) => issue.code);

describe(checkCsv.name, () => {
  it('reads a file whose columns are in another order into the same devices, with a warning', async () => {
    const normal = await check(
      csvText(INTUNE_FULL_HEADER, [
        [d1.serialNumber, '', d1.hardwareHash, 'Sales', 'ada@contoso.com'],
      ]),
      { records: true },
    );
    const shuffled = await check(
      csvText(
        [
          'Assigned User',
          'Hardware Hash',
          'Group Tag',
          'Device Serial Number',
          'Windows Product ID',
        ],
        [['ada@contoso.com', d1.hardwareHash, 'Sales', d1.serialNumber, '']],
      ),
      { records: true },
    );
    expect(shuffled.ok).toBe(true);
    expect(codes(shuffled)).toEqual(['csv.header.order']);
    expect(shuffled.records?.[0]?.device).toEqual(normal.records?.[0]?.device);
  });

  it.each(['utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be', 'windows-1252'] as const)(
    'reads %s and decodes ü in a group tag correctly',
    async (encoding) => {
      const text = csvText(
        [...INTUNE_HEADER, 'Group Tag'],
        [[d1.serialNumber, '', d1.hardwareHash, 'Vertrieb München']],
      );
      const report = await checkCsv(encodeText(text, encoding), { records: true });
      expect(report).toMatchObject({ ok: true, encoding, devices: 1 });
      expect(report.records?.[0]?.device.groupTag).toBe('Vertrieb München');
    },
  );

  it('reads UTF-16 without a BOM', async () => {
    const report = await checkCsv(
      Buffer.from(csvText(INTUNE_HEADER, [[d1.serialNumber, '', d1.hardwareHash]]), 'utf16le'),
    );
    expect(report).toMatchObject({ ok: true, encoding: 'utf-16le', devices: 1 });
  });

  it('reads semicolon- and tab-separated files with a warning, commas inside values intact', async () => {
    const semicolons = await check(
      csvText(PARTNER_HEADER, [['SN-9', '', '', 'VMware, Inc.', 'VMware7,1']], { delimiter: ';' }),
      { records: true },
    );
    expect(semicolons).toMatchObject({ ok: true, delimiter: ';' });
    expect(semicolons.records?.[0]?.device).toMatchObject({
      manufacturer: 'VMware, Inc.',
      model: 'VMware7,1',
    });
    expect(codes(semicolons)).toContain('csv.dialect.delimiter');
    const tabs = await check(
      csvText(INTUNE_HEADER, [[d1.serialNumber, '', d1.hardwareHash]], { delimiter: '\t' }),
    );
    expect(tabs).toMatchObject({ ok: true, delimiter: '\t', devices: 1 });
  });

  it('reads a properly quoted "VMware, Inc." and only warns that the reference could not hold it', async () => {
    const vm = testDevice('VMware-56 4d 8d 37', 'VMware, Inc.', 'VMware20,1');
    const report = await check(
      csvText(PARTNER_HEADER, [[vm.serialNumber, '', vm.hardwareHash, vm.manufacturer, vm.model]]),
    );
    expect(report.ok).toBe(true);
    expect(codes(report)).toEqual([
      'csv.value.needs_quotes',
      'csv.value.needs_quotes',
      'csv.dialect.quotes',
    ]);
  });

  it('numbers lines right in a file with mixed line endings and blank lines', async () => {
    const text = `${INTUNE_HEADER.join(',')}\n\r\n${d1.serialNumber},,${d1.hardwareHash}\n${d2.serialNumber},,bad\r\n`;
    const report = await check(text);
    expect(report.lineEnding).toBe('mixed');
    expect(report.issues.map((i) => [i.code, i.line])).toEqual([['csv.hash.signature', 4]]);
  });

  it('accepts every identifier combination of the Partner Center layout', async () => {
    const pkid = '3305404496774';
    const report = await check(
      csvText(PARTNER_HEADER, [
        ['', '', d1.hardwareHash, '', ''],
        [d2.serialNumber, '', d2.hardwareHash, '', ''],
        ['', pkid, testDevice('SN-3').hardwareHash, '', ''],
        ['SN-4', '3305404496775', testDevice('SN-4').hardwareHash, '', ''],
        ['', '3305404496776', '', '', ''],
        ['SN-6', '', '', 'Contoso', 'Laptop 7'],
      ]),
    );
    expect(report).toMatchObject({ ok: true, devices: 6, layout: 'partner-center' });
  });

  it('needs the hash on every Intune row and names the column', async () => {
    const report = await check(csvText(INTUNE_HEADER, [['SN-1', '3305404496774', '']]));
    expect(report.issues).toMatchObject([
      { code: 'csv.row.missing_hash', line: 2, column: 'Hardware Hash' },
    ]);
  });

  it('ignores a wholly empty unknown column with a warning', async () => {
    const report = await check(
      csvText([...INTUNE_HEADER, 'Comment'], [[d1.serialNumber, '', d1.hardwareHash, '']]),
    );
    expect(report.ok).toBe(true);
    expect(codes(report)).toEqual(['csv.header.empty_unknown_column']);
  });

  it('refuses a file with more fields than headers on the line of the VMware comma', async () => {
    const vm = testDevice('VMware-42 28 6c 53', 'VMware, Inc.', 'VMware7,1');
    const text = `${PARTNER_HEADER.join(',')}\r\n${d1.serialNumber},,${d1.hardwareHash},Contoso,Laptop 7\r\n${vm.serialNumber},,${vm.hardwareHash},VMware, Inc.,VMware7,1\r\n`;
    const report = await check(text);
    expect(report.devices).toBe(1);
    expect(report.issues).toMatchObject([
      { code: 'csv.row.too_many_fields', line: 3, column: 'Manufacturer name' },
    ]);
    expect(report.issues[0]?.message).toContain('7 fields but the header has 5');
  });

  it('never puts more than a short prefix of a hash into any issue', async () => {
    const h = d1.hardwareHash;
    const damaged = [
      `${h.slice(0, 60)}\t${h.slice(60)}`,
      h.replace(/\+/g, '-'),
      h.slice(0, 999),
      editHash(h, (b) => b.writeUInt16LE(5000, 2)),
      editHash(h, (b) => (b[100] = (b[100] ?? 0) ^ 1)),
      Buffer.from(h).toString('base64'),
    ];
    const text = csvText(INTUNE_HEADER, [
      ...damaged.map((hash, i) => [`SN-${i}`, '', hash]),
      ['SN-0002', '', h],
      ['SN-0001', '', h],
    ]);
    const report = await check(text);
    expect(report.issues.length).toBeGreaterThanOrEqual(damaged.length + 2);
    for (const issue of report.issues) {
      expect(`${issue.message} ${issue.hint}`).not.toContain(h.slice(8, 28));
    }
  });

  it('returns only importable records, and only when asked', async () => {
    const text = csvText(INTUNE_HEADER, [
      [d1.serialNumber, '', d1.hardwareHash],
      ['SN-2', '', 'nope'],
    ]);
    expect((await check(text)).records).toBeUndefined();
    const report = await check(text, { records: true });
    expect(report.records?.map((r) => r.line)).toEqual([2]);
    expect(report).toMatchObject({ ok: false, devices: 1, rows: 2 });
  });
});
