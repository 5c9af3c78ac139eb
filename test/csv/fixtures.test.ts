/**
 * Small hand-made files (test/fixtures/csv) for situations users run into that no public
 * real file shows (CSV-FACTS.md, "Test ideas"): an Excel export in a European locale, a
 * quoted Export-Csv file, reordered columns, a report with a title above the header.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkCsv } from '../../src/csv/index.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/csv/${name}`, import.meta.url));
const located = (issues: readonly { code: string; line: number; column: string | null }[]) =>
  issues.map((i) => `${i.code}@${i.line}${i.column ? `:${i.column}` : ''}`);

describe('hand-made fixtures', () => {
  it('reads an Excel export (sep= line, semicolons, Windows-1252) and finds the Excel-damaged serial', async () => {
    const report = await checkCsv(fixture('excel-semicolon-sep-line-cp1252.csv'), {
      records: true,
    });
    expect(report).toMatchObject({
      ok: false,
      layout: 'partner-center',
      encoding: 'windows-1252',
      delimiter: ';',
      devices: 2,
    });
    expect(report.records?.[0]?.device.model).toBe('Laptop Größe 13');
    expect(located(report.issues)).toEqual([
      'csv.dialect.sep_line@1',
      'csv.dialect.delimiter@2',
      'csv.serial.excel_scientific@4:Device serial number',
    ]);
  });

  it('reads quoted fields with commas inside, warning what the reference could not take', async () => {
    const report = await checkCsv(fixture('partner-center-quoted-commas.csv'), { records: true });
    expect(report).toMatchObject({ ok: true, devices: 2 });
    expect(report.records?.[0]?.device).toMatchObject({
      manufacturer: 'VMware, Inc.',
      model: 'VMware7,1',
    });
    expect(located(report.issues)).toEqual([
      'csv.dialect.quotes@1',
      'csv.value.needs_quotes@2:Manufacturer name',
      'csv.value.needs_quotes@2:Device model',
    ]);
  });

  it('reads columns in another order by name', async () => {
    const report = await checkCsv(fixture('managed-desktop-reordered-columns.csv'), {
      records: true,
    });
    expect(report).toMatchObject({ ok: true, layout: 'managed-desktop', devices: 2 });
    expect(report.records?.[1]?.device).toMatchObject({
      serialNumber: 'CTS-3002',
      manufacturer: 'Contoso',
      model: 'Laptop 7',
    });
    expect(located(report.issues)).toEqual(['csv.header.order@1']);
  });

  it('finds the header below a title, and the duplicate device below it', async () => {
    const report = await checkCsv(fixture('report-title-above-header.csv'));
    expect(located(report.issues)).toEqual([
      'csv.header.not_first_line@1',
      'csv.duplicate.tuple@5:Device serial number',
    ]);
  });
});
