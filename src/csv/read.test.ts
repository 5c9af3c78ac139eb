import { describe, expect, it } from 'vitest';
import { csvText, INTUNE_FULL_HEADER, INTUNE_HEADER, testDevice } from '../../test/csv/kit.js';
import type { CsvEvent, CsvRecord } from './model.js';
import { readDeviceCsv, readDeviceCsvBatches } from './read.js';

const d1 = testDevice('SN-0001');
const d2 = testDevice('SN-0002');

async function events(text: string): Promise<CsvEvent[]> {
  const out: CsvEvent[] = [];
  for await (const event of readDeviceCsv(Buffer.from(text))) {
    out.push(event);
  }
  return out;
}

const records = (all: CsvEvent[]) =>
  all.flatMap((event) => (event.kind === 'record' ? [event.record] : [])) as CsvRecord[];

describe(readDeviceCsv.name, () => {
  it('yields one file event, a record per device line, and one end event, in that order', async () => {
    const all = await events(
      csvText(INTUNE_HEADER, [
        [d1.serialNumber, '', d1.hardwareHash],
        [d2.serialNumber, '', d2.hardwareHash],
      ]),
    );
    expect(all.map((event) => event.kind)).toEqual(['file', 'record', 'record', 'end']);
    expect(all[0]).toMatchObject({
      kind: 'file',
      file: {
        layout: 'intune',
        encoding: 'utf-8',
        delimiter: ',',
        headerLine: 1,
        columns: [...INTUNE_HEADER],
      },
      issues: [],
    });
    expect(all[3]).toMatchObject({
      kind: 'end',
      summary: { ok: true, rows: 2, devices: 2, lines: 4, lineEnding: 'crlf' },
    });
  });

  it('gives each record its line, canonical fields, device values and the decoded hash digest', async () => {
    const [first] = records(
      await events(csvText(INTUNE_HEADER, [[d1.serialNumber, '', d1.hardwareHash]])),
    );
    expect(first).toMatchObject({
      line: 2,
      importable: true,
      fields: {
        'Device Serial Number': 'SN-0001',
        'Windows Product ID': '',
        'Hardware Hash': d1.hardwareHash,
      },
      device: { serialNumber: 'SN-0001', hardwareHash: d1.hardwareHash, groupTag: '' },
      hash: { serialNumber: 'SN-0001', manufacturer: 'Contoso', model: 'Laptop 7' },
      issues: [],
    });
    expect(first?.hash?.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('locates issues on the line where the field starts when a quoted value spans lines', async () => {
    const text = csvText(INTUNE_FULL_HEADER, [
      [d1.serialNumber, '', d1.hardwareHash, 'two\r\nline tag', 'ada'],
      [d2.serialNumber, '', d2.hardwareHash.slice(0, 100), '', ''],
    ]);
    const [first, second] = records(await events(text));
    expect(first?.issues.map((i) => [i.code, i.line])).toEqual([
      ['csv.value.control_character', 2],
      ['csv.assigned_user.invalid', 3],
    ]);
    expect(second?.line).toBe(4);
    expect(second?.issues.map((i) => [i.code, i.line])).toEqual([['csv.hash.truncated', 4]]);
  });

  it('reads the whole file after the first error and keeps blank lines in the numbering', async () => {
    const text = csvText(INTUNE_HEADER, [
      ['<x>', '', d1.hardwareHash],
      [],
      [],
      [d2.serialNumber, '', 'bad!'],
    ]);
    const all = await events(text);
    expect(records(all).map((r) => [r.line, r.importable, r.issues[0]?.code])).toEqual([
      [2, false, 'csv.value.placeholder'],
      [5, false, 'csv.hash.not_base64'],
    ]);
  });

  it('finds the header below a report title and validates the rows after it', async () => {
    const all = await events(
      `Devices exported 2026-01-02\r\n${csvText(INTUNE_HEADER, [[d1.serialNumber, '', d1.hardwareHash]])}`,
    );
    expect(all[0]).toMatchObject({
      kind: 'file',
      file: { headerLine: 2 },
      issues: [{ code: 'csv.header.not_first_line', line: 1 }],
    });
    expect(records(all).map((r) => [r.line, r.importable])).toEqual([[3, true]]);
  });

  it('yields the same events in non-empty batches for bulk consumers', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => testDevice(`SN-${i}`)).map((d) => [
      d.serialNumber,
      '',
      d.hardwareHash,
    ]);
    const text = csvText(INTUNE_HEADER, rows);
    const flat: CsvEvent[] = [];
    let batches = 0;
    for await (const batch of readDeviceCsvBatches(Buffer.from(text))) {
      expect(batch.length).toBeGreaterThan(0);
      batches++;
      flat.push(...batch);
    }
    expect(batches).toBeGreaterThan(1);
    expect(flat.map((e) => e.kind)).toEqual((await events(text)).map((e) => e.kind));
    expect(records(flat)).toHaveLength(40);
  });

  it('closes the source when the caller stops early', async () => {
    let closed = false;
    async function* source() {
      try {
        yield Buffer.from(csvText(INTUNE_HEADER, [[d1.serialNumber, '', d1.hardwareHash]]));
        yield Buffer.from(`${d2.serialNumber},,${d2.hardwareHash}\r\n`);
      } finally {
        closed = true;
      }
    }
    for await (const event of readDeviceCsv(source())) {
      if (event.kind === 'record') {
        break;
      }
    }
    expect(closed).toBe(true);
  });

  it('lets a failing source throw: that is an I/O problem, not a file problem', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('Device Serial Number,Windows Product ID,Hardware Hash\r\n');
      throw new Error('EIO: disk gone');
    }
    await expect(async () => {
      for await (const _event of readDeviceCsv(failing())) {
        // drain
      }
    }).rejects.toThrow('EIO');
  });
});
