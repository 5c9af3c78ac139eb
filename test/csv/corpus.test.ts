/**
 * Every real-world file of ../shared/corpus/csv gets the verdict its SOURCES.md entry
 * implies. The files are read where they are: most have no licence, so they are never
 * copied into this repository.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCsv, fixCsv, type CsvReport, type IssueCode } from '../../src/csv/index.js';
import { chunked, corpusDir } from './kit.js';

const csvDir = path.join(corpusDir, 'csv');

interface Verdict {
  ok: boolean;
  layout: CsvReport['layout'];
  encoding: CsvReport['encoding'];
  devices: number;
  /** Every issue expected, as `code@line:column` (column omitted when null). */
  issues: string[];
}

const realExport = (devices = 1, encoding: CsvReport['encoding'] = 'utf-16le'): Verdict => ({
  ok: true,
  layout: 'intune',
  encoding,
  devices,
  issues: [],
});

const expected: Record<string, Verdict> = {
  'intune-3col-ascii-crlf-2rows-no-final-newline-hyperv.csv': realExport(2, 'utf-8'),
  'intune-3col-utf16le-bom-empty-serial-qemu-vm-a.csv': {
    ...realExport(),
    issues: ['csv.serial.empty@2:Device Serial Number'],
  },
  'intune-3col-utf16le-bom-empty-serial-qemu-vm-b.csv': {
    ...realExport(),
    issues: ['csv.serial.empty@2:Device Serial Number'],
  },
  'intune-3col-utf16le-bom-hp-elitebook-650-g10.csv': realExport(),
  'intune-3col-utf16le-bom-hp-elitebook-840-g8.csv': realExport(),
  'intune-3col-utf16le-bom-hyperv-vm.csv': realExport(),
  'intune-3col-utf16le-bom-lenovo-thinkpad-p14s.csv': realExport(),
  'intune-3col-utf16le-bom-lenovo-thinkpad-t14s.csv': realExport(),
  'intune-3col-utf16le-bom-lenovo-thinkpad-x270-2018.csv': realExport(),
  'intune-3col-utf16le-bom-vmware-serial-with-spaces-b.csv': realExport(),
  'intune-3col-utf16le-bom-vmware-serial-with-spaces.csv': realExport(),
  'intune-4col-grouptag-utf16le-bom-vmware-apple-silicon-vm.csv': realExport(),
  'intune-5col-unfilled-template-placeholders-lf.csv': {
    ok: false,
    layout: 'intune',
    encoding: 'utf-8',
    devices: 0,
    issues: [
      'csv.value.placeholder@2:Device Serial Number',
      'csv.value.placeholder@2:Windows Product ID',
      'csv.value.placeholder@2:Hardware Hash',
      'csv.value.placeholder@2:Group Tag',
      'csv.value.placeholder@2:Assigned User',
    ],
  },
  'mmd-sample-partner-manufacturer-model-serial.csv': {
    ok: true,
    layout: 'managed-desktop',
    encoding: 'utf-8',
    devices: 1,
    issues: ['csv.serial.placeholder@2:Serial Number'],
  },
  'mmd-sample-self-manufacturer-model-serial-hash-short-hash.csv': {
    ok: false,
    layout: 'managed-desktop',
    encoding: 'utf-8',
    devices: 0,
    issues: ['csv.hash.truncated@2:Hardware Hash'],
  },
  'partner-center-style-template-utf8bom-lf-6fields-explanations-via-cipp.csv': {
    ok: false,
    layout: 'partner-center',
    encoding: 'utf-8-bom',
    devices: 0,
    issues: [
      'csv.row.incomplete_tuple@2:Manufacturer name',
      'csv.row.extra_empty_fields@2',
      'csv.pkid.length@3:Windows product ID',
      'csv.hash.truncated@4:Hardware hash',
      'csv.row.free_text@8',
      'csv.row.free_text@9',
      'csv.row.free_text@10',
      'csv.row.free_text@11',
    ],
  },
  'wrong-file-intune-autopilot-device-export-quoted-fields.csv': {
    ok: false,
    layout: null,
    encoding: 'utf-8',
    devices: 0,
    issues: ['csv.header.device_export@1'],
  },
};

const files = readdirSync(csvDir).filter((name) => name.endsWith('.csv'));
const read = (name: string) => readFileSync(path.join(csvDir, name));
const located = (report: CsvReport) =>
  report.issues.map(
    (issue) => `${issue.code}@${issue.line}${issue.column ? `:${issue.column}` : ''}`,
  );

/** Data rows per file, from the "Rows" column of SOURCES.md where it is a plain number. */
function sourceRowCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of readFileSync(path.join(corpusDir, 'SOURCES.md'), 'utf8').split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const name = /^`([^`]+\.csv)`$/.exec(cells[1] ?? '')?.[1];
    const rows = cells[cells.length - 2] ?? '';
    if (name && /^\d+$/.test(rows)) {
      counts.set(name, Number(rows));
    }
  }
  return counts;
}

describe('the real-world corpus', () => {
  it('has an expected verdict for every file, and every file SOURCES.md lists is there', () => {
    expect(files.sort()).toEqual(Object.keys(expected).sort());
    expect(sourceRowCounts().size).toBeGreaterThanOrEqual(15);
    for (const name of sourceRowCounts().keys()) {
      expect(files).toContain(name);
    }
  });

  it.each(files)('%s gets the verdict its source implies', async (name) => {
    const want = expected[name] as Verdict;
    const report = await checkCsv(read(name));
    expect({
      ok: report.ok,
      layout: report.layout,
      encoding: report.encoding,
      devices: report.devices,
    }).toEqual({
      ok: want.ok,
      layout: want.layout,
      encoding: want.encoding,
      devices: want.devices,
    });
    expect(located(report)).toEqual(want.issues);
    for (const issue of report.issues) {
      expect(issue.hint).not.toBe('');
    }
    const rows = sourceRowCounts().get(name);
    if (rows !== undefined) {
      expect(report.rows).toBe(rows);
    }
  });

  it('reads the same way when the bytes arrive in small, odd-sized chunks', async () => {
    for (const name of files) {
      const whole = await checkCsv(read(name));
      const streamed = await checkCsv(chunked(read(name), 333));
      expect(streamed.issues, name).toEqual(whole.issues);
      expect(streamed.devices, name).toBe(whole.devices);
    }
  });

  it('finds each real serial inside its own hash, and no two rows share a device', async () => {
    const digests = new Set<string>();
    for (const name of files.filter((n) => expected[n]?.ok && expected[n]?.layout === 'intune')) {
      const report = await checkCsv(read(name), { records: true });
      for (const record of report.records ?? []) {
        expect(record.hash).not.toBeNull();
        if (record.device.serialNumber !== '') {
          expect(record.hash?.serialNumber).toBe(record.device.serialNumber);
        }
        digests.add(record.hash?.digest ?? '');
      }
    }
    expect(digests.size).toBe(13);
  });

  it('fixes every importable real file into one that checks clean as UTF-8, CRLF', async () => {
    for (const name of files.filter((n) => expected[n]?.ok)) {
      let out = '';
      const result = await fixCsv(read(name), (text) => {
        out += text;
      });
      expect(result.complete, name).toBe(true);
      const again = await checkCsv(Buffer.from(out, 'utf8'));
      expect(again.ok, name).toBe(true);
      expect(again.encoding).toBe('utf-8');
      expect(again.lineEnding).toBe('crlf');
      expect(again.devices).toBe(expected[name]?.devices);
      const allowed: IssueCode[] = ['csv.serial.empty', 'csv.serial.placeholder'];
      expect(again.issues.filter((issue) => !allowed.includes(issue.code))).toEqual([]);
    }
  });
});
