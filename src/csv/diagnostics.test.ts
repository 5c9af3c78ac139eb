import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildHardwareHash } from '../domain/hardware-hash.js';
import {
  csvText,
  editHash,
  encodeText,
  INTUNE_FULL_HEADER,
  INTUNE_HEADER,
  PARTNER_HEADER,
  testDevice,
} from '../../test/csv/kit.js';
import { checkCsv, type CheckOptions } from './check.js';
import { issueCatalogue, issueCodes, type IssueCode } from './diagnostics.js';

const d1 = testDevice('SN-0001');
const d2 = testDevice('SN-0002');
const H = d1.hardwareHash;
const intune = (rows: string[][], header: readonly string[] = INTUNE_HEADER) =>
  csvText(header, rows);
const partner = (rows: string[][]) => csvText(PARTNER_HEADER, rows);

interface Case {
  /** The file: text (UTF-8) or bytes. */
  input: string | Buffer;
  line: number;
  column: string | null;
  options?: CheckOptions;
  /** Text the message or hint must contain. */
  says?: string;
}

/** One input per issue code that produces it, with where it must be reported. */
const cases: Record<IssueCode, Case> = {
  'csv.file.empty': { input: '', line: 1, column: null },
  'csv.file.not_text': {
    input: Buffer.from('PK\u0003\u0004 workbook', 'latin1'),
    line: 1,
    column: null,
    says: 'Excel',
  },
  'csv.file.no_devices': { input: intune([]), line: 1, column: null },
  'csv.file.over_reference_limit': {
    input: intune(
      Array.from({ length: 501 }, (_, i) => [`SN-${i}`, '', testDevice(`SN-${i}`).hardwareHash]),
    ),
    line: 502,
    column: null,
    says: '500',
  },
  'csv.file.issues_truncated': {
    input: intune([
      ['<a>', '', H],
      ['<b>', '', d2.hardwareHash],
    ]),
    line: 4,
    column: null,
    options: { issueLimit: 1 },
  },
  'csv.dialect.delimiter': {
    input: csvText(INTUNE_HEADER, [[d1.serialNumber, '', H]], { delimiter: ';' }),
    line: 1,
    column: null,
  },
  'csv.dialect.quotes': {
    input: csvText(INTUNE_HEADER, [[d1.serialNumber, '', H]], { quoteAll: true }),
    line: 1,
    column: null,
  },
  'csv.dialect.sep_line': {
    input: `sep=;\r\n${csvText(INTUNE_HEADER, [[d1.serialNumber, '', H]], { delimiter: ';' })}`,
    line: 1,
    column: null,
  },
  'csv.header.missing': {
    input: `${d1.serialNumber},,${H}\r\n${d2.serialNumber},,${d2.hardwareHash}\r\n`,
    line: 1,
    column: null,
  },
  'csv.header.unrecognized': {
    input: 'Name,Colour\r\nA,B\r\n',
    line: 1,
    column: null,
    says: '"Name"',
  },
  'csv.header.device_export': {
    input:
      '"displayName","serialNumber","manufacturer","model","enrolmentState","Id"\r\n"PC1","ABC","HP","X","enrolled","1"\r\n',
    line: 1,
    column: null,
  },
  'csv.header.not_first_line': {
    input: `Autopilot report\r\n\r\n${intune([[d1.serialNumber, '', H]])}`,
    line: 1,
    column: null,
    says: 'line 3',
  },
  'csv.header.unknown_column': {
    input: intune(
      [
        [d1.serialNumber, '', H, ''],
        [d2.serialNumber, '', d2.hardwareHash, 'remark'],
      ],
      [...INTUNE_HEADER, 'Notes'],
    ),
    line: 3,
    column: null,
    says: '"Notes" (field 4)',
  },
  'csv.header.empty_unknown_column': {
    input: intune([[d1.serialNumber, '', H, '']], [...INTUNE_HEADER, 'Notes']),
    line: 1,
    column: null,
    says: 'Notes',
  },
  'csv.header.duplicate_column': {
    input: intune([[d1.serialNumber, '', H, H]], [...INTUNE_HEADER, 'Hardware Hash']),
    line: 1,
    column: 'Hardware Hash',
    says: 'fields 3 and 4',
  },
  'csv.header.missing_required_column': {
    input: intune([[d1.serialNumber, 'Sales']], ['Device Serial Number', 'Group Tag']),
    line: 1,
    column: 'Hardware Hash',
  },
  'csv.header.missing_column': {
    input: intune([[d1.serialNumber, H]], ['Device Serial Number', 'Hardware Hash']),
    line: 1,
    column: 'Windows Product ID',
  },
  'csv.header.order': {
    input: intune(
      [[H, d1.serialNumber, '']],
      ['Hardware Hash', 'Device Serial Number', 'Windows Product ID'],
    ),
    line: 1,
    column: null,
    says: 'would reject',
  },
  'csv.header.spelling': {
    input: intune([[d1.serialNumber, '', H, 'Sales']], [...INTUNE_HEADER, 'OrderID']),
    line: 1,
    column: 'Group Tag',
    says: '"OrderID"',
  },
  'csv.row.too_many_fields': (() => {
    const vm = testDevice('VMware-42 28 6c 53', 'VMware, Inc.', 'VMware7,1');
    return {
      input: `${PARTNER_HEADER.join(',')}\r\n${vm.serialNumber},,${vm.hardwareHash},VMware, Inc.,VMware7,1\r\n`,
      line: 2,
      column: 'Manufacturer name',
      says: '"VMware, Inc."',
    };
  })(),
  'csv.row.extra_empty_fields': {
    input: intune([[d1.serialNumber, '', H, '']]),
    line: 2,
    column: null,
  },
  'csv.row.missing_fields': {
    input: intune([[d1.serialNumber, '', H]], INTUNE_FULL_HEADER),
    line: 2,
    column: 'Group Tag',
  },
  'csv.row.quote_malformed': {
    input: intune([[d1.serialNumber, '', H]]).replace(d1.serialNumber, '"SN"x'),
    line: 2,
    column: null,
  },
  'csv.row.quote_unterminated': {
    input: `${INTUNE_HEADER.join(',')}\r\n"${d1.serialNumber},,${H}\r\n`,
    line: 2,
    column: null,
  },
  'csv.row.too_long': { input: intune([['X'.repeat(70_000), '', H]]), line: 2, column: null },
  'csv.row.free_text': {
    input: intune([['Line 2 illustrates the tuple - providing the serial number', '', '']]),
    line: 2,
    column: null,
  },
  'csv.row.missing_hash': {
    input: intune([[d1.serialNumber, '', '']]),
    line: 2,
    column: 'Hardware Hash',
  },
  'csv.row.no_identifier': {
    input: intune([['', '', '', 'Sales']], [...INTUNE_HEADER, 'Group Tag']),
    line: 2,
    column: null,
    options: { target: 'partner-center' },
  },
  'csv.row.incomplete_tuple': {
    input: partner([['SN-9', '', '', 'Contoso', '']]),
    line: 2,
    column: 'Device model',
  },
  'csv.value.placeholder': {
    input: intune([['<serialNumber>', '', H]]),
    line: 2,
    column: 'Device Serial Number',
  },
  'csv.value.control_character': {
    input: intune([['SN\u0007X', '', H]]),
    line: 2,
    column: 'Device Serial Number',
    says: 'U+0007',
  },
  'csv.value.undecodable': {
    input: Buffer.concat([
      encodeText(`${INTUNE_HEADER.join(',')}\r\nSN`, 'utf-8-bom'),
      Buffer.from([0xff]),
      Buffer.from(`1,,${H}\r\n`),
    ]),
    line: 2,
    column: 'Device Serial Number',
  },
  'csv.value.needs_quotes': {
    input: partner([['SN-9', '', '', 'Contoso', 'Laptop, 13"']]),
    line: 2,
    column: 'Device model',
  },
  'csv.hash.whitespace': {
    input: intune([[d1.serialNumber, '', `${H.slice(0, 50)} ${H.slice(50)}`]]),
    line: 2,
    column: 'Hardware Hash',
    says: 'character 51',
  },
  'csv.hash.url_safe': {
    input: intune([[d1.serialNumber, '', H.replace(/\//g, '_').replace(/\+/g, '-')]]),
    line: 2,
    column: 'Hardware Hash',
  },
  'csv.hash.not_base64': {
    input: intune([[d1.serialNumber, '', `${H.slice(0, 9)}*${H.slice(10)}`]]),
    line: 2,
    column: 'Hardware Hash',
    says: 'character 10',
  },
  'csv.hash.unpadded': (() => {
    const old = Buffer.from(H, 'base64').subarray(0, 1454).toString('base64').replace(/=+$/, '');
    return { input: intune([[d1.serialNumber, '', old]]), line: 2, column: 'Hardware Hash' };
  })(),
  'csv.hash.signature': {
    input: intune([[d1.serialNumber, '', Buffer.from(H).toString('base64')]]),
    line: 2,
    column: 'Hardware Hash',
    says: 'twice',
  },
  'csv.hash.length_field': {
    input: intune([[d1.serialNumber, '', editHash(H, (b) => b.writeUInt16LE(1, 2))]]),
    line: 2,
    column: 'Hardware Hash',
  },
  'csv.hash.truncated': {
    input: intune([[d1.serialNumber, '', H.slice(0, 400)]]),
    line: 2,
    column: 'Hardware Hash',
    says: '400 characters',
  },
  'csv.hash.records': {
    input: intune([[d1.serialNumber, '', editHash(H, (b) => b.writeUInt16LE(27, 6))]]),
    line: 2,
    column: 'Hardware Hash',
  },
  'csv.hash.trailer': {
    input: intune([
      [d1.serialNumber, '', editHash(H, (b) => b.write('XX', b.readUInt16LE(2), 'latin1'))],
    ]),
    line: 2,
    column: 'Hardware Hash',
  },
  'csv.hash.checksum_mismatch': {
    input: intune([
      [
        d1.serialNumber,
        '',
        editHash(H, (b) => b.write('SN-0009', b.indexOf('SN-0001', 0, 'latin1'), 'latin1')),
      ],
    ]),
    line: 2,
    column: 'Hardware Hash',
  },
  'csv.hash.serial_mismatch': {
    input: intune([['SN-0002', '', H]]),
    line: 2,
    column: 'Device Serial Number',
    says: '"SN-0001"',
  },
  'csv.hash.manufacturer_mismatch': {
    input: partner([[d1.serialNumber, '', H, 'Fabrikam', 'Laptop 7']]),
    line: 2,
    column: 'Manufacturer name',
  },
  'csv.hash.model_mismatch': {
    input: partner([[d1.serialNumber, '', H, 'Contoso', 'Laptop 8']]),
    line: 2,
    column: 'Device model',
  },
  'csv.hash.product_key_id_mismatch': {
    input: intune([
      [
        'SN-1',
        '3305404496775',
        buildHardwareHash({
          serialNumber: 'SN-1',
          manufacturer: 'M',
          model: 'X',
          productKeyId: '3305404496774',
        }),
      ],
    ]),
    line: 2,
    column: 'Windows Product ID',
  },
  'csv.serial.empty': {
    input: intune([['', '', H]]),
    line: 2,
    column: 'Device Serial Number',
    says: '"SN-0001"',
  },
  'csv.serial.placeholder': {
    input: partner([['To be filled by O.E.M.', '', '', 'Contoso', 'Laptop 7']]),
    line: 2,
    column: 'Device serial number',
  },
  'csv.serial.excel_scientific': (() => {
    const surface = testDevice('016520771357', 'Microsoft Corporation', 'Surface Laptop');
    return {
      input: intune([['1.65208E+10', '', surface.hardwareHash]]),
      line: 2,
      column: 'Device Serial Number',
      says: '016520771357',
    };
  })(),
  'csv.serial.leading_zeros_lost': (() => {
    const surface = testDevice('016520771357', 'Microsoft Corporation', 'Surface Laptop');
    return {
      input: intune([['16520771357', '', surface.hardwareHash]]),
      line: 2,
      column: 'Device Serial Number',
    };
  })(),
  'csv.serial.dot': {
    input: partner([['ABC.123', '', '', 'Contoso', 'Laptop 7']]),
    line: 2,
    column: 'Device serial number',
  },
  'csv.serial.too_long': {
    input: intune([['AB'.repeat(100), '', H]]),
    line: 2,
    column: 'Device Serial Number',
  },
  'csv.serial.non_ascii': {
    input: partner([['SNÄ1', '', '', 'Contoso', 'Laptop 7']]),
    line: 2,
    column: 'Device serial number',
  },
  'csv.serial.trimmed': {
    input: intune([[' SN-0001 ', '', H]]),
    line: 2,
    column: 'Device Serial Number',
  },
  'csv.pkid.product_id': {
    input: partner([['', '00329-00000-0003-AA606', '', '', '']]),
    line: 2,
    column: 'Windows product ID',
    says: '13-digit',
  },
  'csv.pkid.excel_scientific': {
    input: partner([['', '3.3054E+12', '', '', '']]),
    line: 2,
    column: 'Windows product ID',
  },
  'csv.pkid.not_digits': {
    input: partner([['', '33054O4496774', '', '', '']]),
    line: 2,
    column: 'Windows product ID',
    says: '"O"',
  },
  'csv.pkid.length': {
    input: partner([['', '123451234567', '', '', '']]),
    line: 2,
    column: 'Windows product ID',
    says: '12 digits',
  },
  'csv.group_tag.too_long': {
    input: intune([[d1.serialNumber, '', H, 'T'.repeat(129)]], [...INTUNE_HEADER, 'Group Tag']),
    line: 2,
    column: 'Group Tag',
  },
  'csv.group_tag.trimmed': {
    input: intune([[d1.serialNumber, '', H, 'Sales ']], [...INTUNE_HEADER, 'Group Tag']),
    line: 2,
    column: 'Group Tag',
  },
  'csv.group_tag.rule_character': {
    input: intune([[d1.serialNumber, '', H, 'Sales, EU']], [...INTUNE_HEADER, 'Group Tag']),
    line: 2,
    column: 'Group Tag',
  },
  'csv.assigned_user.invalid': {
    input: intune([[d1.serialNumber, '', H, '', 'ada']], INTUNE_FULL_HEADER),
    line: 2,
    column: 'Assigned User',
  },
  'csv.assigned_user.too_long': {
    input: intune(
      [[d1.serialNumber, '', H, '', `${'a'.repeat(70)}@contoso.com`]],
      INTUNE_FULL_HEADER,
    ),
    line: 2,
    column: 'Assigned User',
  },
  'csv.duplicate.hash': {
    input: intune([
      [d1.serialNumber, '', H],
      [d1.serialNumber, '', H],
    ]),
    line: 3,
    column: 'Hardware Hash',
    says: 'line 2',
  },
  'csv.duplicate.device': {
    input: intune([
      [d1.serialNumber, '', H],
      [
        d1.serialNumber,
        '',
        testDevice('SN-0001', 'Contoso', 'Laptop 7', 'second harvest').hardwareHash,
      ],
    ]),
    line: 3,
    column: 'Hardware Hash',
    says: 'line 2',
  },
  'csv.duplicate.product_key_id': {
    input: partner([
      ['', '3305404496774', '', '', ''],
      ['', '3305404496774', '', '', ''],
    ]),
    line: 3,
    column: 'Windows product ID',
    says: 'line 2',
  },
  'csv.duplicate.tuple': {
    input: partner([
      ['SN-7', '', '', 'Contoso', 'Laptop 7'],
      ['SN-7', '', '', 'Contoso', 'Laptop 7'],
    ]),
    line: 3,
    column: 'Device serial number',
    says: 'line 2',
  },
};

describe('issue catalogue', () => {
  it.each(Object.entries(cases) as [IssueCode, Case][])(
    '%s is produced, located and explained',
    async (code, c) => {
      const input = typeof c.input === 'string' ? Buffer.from(c.input, 'utf8') : c.input;
      const report = await checkCsv(input, c.options);
      const issue = report.issues.find((i) => i.code === code);
      expect(
        issue,
        `${code} not reported; got ${report.issues.map((i) => i.code).join(', ')}`,
      ).toBeDefined();
      expect(issue).toMatchObject({
        line: c.line,
        column: c.column,
        severity: issueCatalogue[code].severity,
      });
      expect(issue?.message.length).toBeGreaterThan(10);
      expect(issue?.hint.length).toBeGreaterThan(10);
      if (c.says) {
        expect(`${issue?.message} ${issue?.hint}`).toContain(c.says);
      }
      if (issue?.severity === 'error') {
        expect(report.ok).toBe(false);
      }
    },
  );

  it('has a producing case for every code', () => {
    expect(Object.keys(cases).sort()).toEqual([...issueCodes].sort());
  });

  it('is documented for users in docs/csv.md', () => {
    const docs = readFileSync(new URL('../../docs/csv.md', import.meta.url), 'utf8');
    const missing = issueCodes.filter((code) => !docs.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });

  it('uses stable dotted lower-case codes', () => {
    for (const code of issueCodes) {
      expect(code).toMatch(/^csv\.[a-z0-9_]+\.[a-z0-9_]+$/);
    }
  });
});
