import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  csvText,
  encodeText,
  INTUNE_HEADER,
  PARTNER_HEADER,
  testDevice,
} from '../../../test/csv/kit.js';
import type { CliContext, CliIo } from '../context.js';
import { runProgram } from '../program.js';
import { registerCsvCommands } from './csv.command.js';

const dir = mkdtempSync(path.join(tmpdir(), 'preflight-csv-cli-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function recordingIo(isTTY = false): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    isTTY,
    out: (text) => stdout.push(text),
    err: (text) => stderr.push(text),
  };
}

async function run(
  args: string[],
  options: { isTTY?: boolean; env?: Record<string, string> } = {},
) {
  const io = recordingIo(options.isTTY);
  const ctx: CliContext = { io, env: options.env ?? {}, cwd: dir };
  const code = await runProgram(ctx, [registerCsvCommands], ['node', 'preflight', 'csv', ...args]);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

function file(name: string, content: string | Buffer): string {
  writeFileSync(path.join(dir, name), content);
  return name;
}

const d1 = testDevice('SN-0001');
const d2 = testDevice('SN-0002');
const good = file(
  'good.csv',
  encodeText(
    csvText(INTUNE_HEADER, [
      [d1.serialNumber, '', d1.hardwareHash],
      ['', '', d2.hardwareHash],
    ]),
    'utf-16le',
  ),
);
const bad = file(
  'bad.csv',
  csvText(INTUNE_HEADER, [
    [d1.serialNumber, '', d1.hardwareHash],
    ['SN-9', '', d1.hardwareHash.slice(0, 500)],
  ]),
);

describe('preflight csv check', () => {
  it('prints the JSON report of an importable file and exits 0, warnings allowed', async () => {
    const { code, out } = await run(['check', good, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out) as Record<string, unknown>;
    expect(report).toEqual({
      ok: true,
      layout: 'intune',
      encoding: 'utf-16le',
      delimiter: ',',
      devices: 2,
      issues: [
        {
          severity: 'warning',
          code: 'csv.serial.empty',
          line: 3,
          column: 'Device Serial Number',
          message: 'The serial number is empty; the hardware hash holds "SN-0002".',
          hint: expect.stringContaining('preflight csv fix') as unknown,
        },
      ],
    });
  });

  it('adds the importable records with --records, keyed by canonical column names', async () => {
    const { out } = await run(['check', bad, '--json', '--records']);
    const report = JSON.parse(out) as {
      records: { line: number; fields: Record<string, string> }[];
    };
    expect(report.records).toEqual([
      {
        line: 2,
        fields: {
          'Device Serial Number': 'SN-0001',
          'Windows Product ID': '',
          'Hardware Hash': d1.hardwareHash,
        },
      },
    ]);
  });

  it('exits 1 for a file with errors, naming line, column and code', async () => {
    const { code, out } = await run(['check', bad, '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(out)).toMatchObject({
      ok: false,
      devices: 1,
      issues: [{ severity: 'error', code: 'csv.hash.truncated', line: 3, column: 'Hardware Hash' }],
    });
  });

  it('prints a readable report without --json, colour only on a terminal', async () => {
    const plain = await run(['check', bad]);
    expect(plain.out).toContain(
      'bad.csv: Intune layout, UTF-8, comma-separated, CRLF line endings',
    );
    expect(plain.out).toContain('error   line 3, Hardware Hash: The hardware hash is cut short');
    expect(plain.out).toContain('[csv.hash.truncated]');
    expect(plain.out).toContain('→ Copy the whole hash');
    expect(plain.out).toContain('NOT OK: 1 error; 1 of 2 device lines can be imported.');
    expect(plain.out).not.toContain('\u001b[');
    const tty = await run(['check', bad], { isTTY: true });
    expect(tty.out).toContain('\u001b[31m');
    const noColor = await run(['check', bad], { isTTY: true, env: { NO_COLOR: '1' } });
    expect(noColor.out).not.toContain('\u001b[');
    const ok = await run(['check', good]);
    expect(ok.out).toContain('OK: 2 devices can be imported (1 warning).');
  });

  it('shows records without the whole hash in the readable report', async () => {
    const { out } = await run(['check', good, '--records']);
    expect(out).toContain(
      `line 2: Device Serial Number=SN-0001  Hardware Hash=${d1.hardwareHash.slice(0, 8)}… (4000 characters)`,
    );
    expect(out).not.toContain(d1.hardwareHash.slice(0, 40));
  });

  it('exits 2 for a missing file, a directory, or an Excel workbook', async () => {
    const missing = await run(['check', 'nope.csv']);
    expect(missing).toMatchObject({ code: 2, err: 'error: cannot read nope.csv: no such file' });
    expect((await run(['check', '.'])).code).toBe(2);
    const xlsx = await run([
      'check',
      file('book.xlsx', Buffer.from('PK\u0003\u0004xl/workbook.xml', 'latin1')),
      '--json',
    ]);
    expect(xlsx.code).toBe(2);
    expect(JSON.parse(xlsx.out)).toMatchObject({
      ok: false,
      issues: [{ code: 'csv.file.not_text', line: 1 }],
    });
  });

  it('exits 2 on wrong arguments', async () => {
    expect((await run(['check'])).code).toBe(2);
    expect((await run(['check', good, '--bogus'])).code).toBe(2);
  });
});

describe('preflight csv fix', () => {
  it('writes a clean UTF-8 CRLF file, lists the changes, and exits 0', async () => {
    const { code, out } = await run(['fix', good, '-o', 'good-fixed.csv']);
    expect(code).toBe(0);
    const written = readFileSync(path.join(dir, 'good-fixed.csv'));
    expect(written.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    expect(written.toString('utf8')).toBe(
      `Device Serial Number,Windows Product ID,Hardware Hash\r\nSN-0001,,${d1.hardwareHash}\r\nSN-0002,,${d2.hardwareHash}\r\n`,
    );
    expect(out).toContain(
      'Wrote good-fixed.csv: 2 devices, Intune layout, UTF-8 without BOM, CRLF.',
    );
    expect(out).toContain('converted from UTF-16 LE to UTF-8 without BOM');
    expect(out).toContain(
      'line 3, Device Serial Number: serial number "SN-0002" filled in from the hardware hash',
    );
    expect((await run(['check', 'good-fixed.csv'])).code).toBe(0);
  });

  it('leaves rows with errors out, lists them and exits 1', async () => {
    const { code, out } = await run(['fix', bad, '-o', 'bad-fixed.csv']);
    expect(code).toBe(1);
    expect(
      readFileSync(path.join(dir, 'bad-fixed.csv'), 'utf8').split('\r\n').filter(Boolean),
    ).toHaveLength(2);
    expect(out).toContain('Left out (1 line with errors):');
    expect(out).toContain('line 3, Hardware Hash');
  });

  it('converts to the Partner Center layout on request', async () => {
    const { code } = await run(['fix', good, '-o', 'pc.csv', '--layout', 'partner-center']);
    expect(code).toBe(0);
    expect(readFileSync(path.join(dir, 'pc.csv'), 'utf8').split('\r\n')[0]).toBe(
      PARTNER_HEADER.join(','),
    );
  });

  it('writes no file when the input is not a device list', async () => {
    const { code, out } = await run([
      'fix',
      file('other.csv', 'Name,Colour\r\nA,B\r\n'),
      '-o',
      'other-fixed.csv',
    ]);
    expect(code).toBe(1);
    expect(out).toContain('nothing written');
    expect(existsSync(path.join(dir, 'other-fixed.csv'))).toBe(false);
    expect(readdirSync(dir).some((name) => name.endsWith('.tmp'))).toBe(false);
  });

  it('exits 2 when the output cannot be written, leaving nothing behind', async () => {
    const { code, err } = await run(['fix', good, '-o', 'no/such/dir/out.csv']);
    expect(code).toBe(2);
    expect(err).toContain('error: cannot write no/such/dir/out.csv: no such file');
  });

  it('refuses to overwrite its input, and refuses unknown layouts or a missing -o (exit 2)', async () => {
    expect((await run(['fix', good, '-o', good])).code).toBe(2);
    expect((await run(['fix', good, '-o', 'x.csv', '--layout', 'managed-desktop'])).code).toBe(2);
    expect((await run(['fix', good])).code).toBe(2);
  });
});

describe('preflight csv sample', () => {
  it('prints a sample that checks clean, in each layout', async () => {
    for (const layout of ['intune', 'partner-center', 'managed-desktop']) {
      const { code, out } = await run(['sample', '--layout', layout]);
      expect(code).toBe(0);
      const name = file(`sample-${layout}.csv`, out);
      const check = await run(['check', name, '--json']);
      expect(JSON.parse(check.out)).toMatchObject({ ok: true, layout, issues: [] });
    }
    expect(
      (await run(['sample'])).out.startsWith(
        'Device Serial Number,Windows Product ID,Hardware Hash,Group Tag,Assigned User\r\n',
      ),
    ).toBe(true);
    expect((await run(['sample', '--layout', 'excel'])).code).toBe(2);
  });
});
