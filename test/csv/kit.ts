/**
 * Helpers for CSV tests: synthetic device lists in every encoding, delimiter and line
 * ending, and where the real-world corpus lives (read in place, never copied).
 */
import { fileURLToPath } from 'node:url';
import { buildHardwareHash } from '../../src/domain/hardware-hash.js';
import type { CsvEncoding } from '../../src/csv/encoding.js';
import { formatCsvLine } from '../../src/csv/format-row.js';

/** `shared/corpus` beside the repository (CI clones the repository with ../shared next to it). */
export const corpusDir = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));

/** Intune layout header, as Get-WindowsAutopilotInfo writes it. */
export const INTUNE_HEADER = [
  'Device Serial Number',
  'Windows Product ID',
  'Hardware Hash',
] as const;
export const INTUNE_FULL_HEADER = [...INTUNE_HEADER, 'Group Tag', 'Assigned User'] as const;
export const PARTNER_HEADER = [
  'Device serial number',
  'Windows product ID',
  'Hardware hash',
  'Manufacturer name',
  'Device model',
] as const;

/** A synthetic device with a valid hash that agrees with its serial, manufacturer and model. */
export interface TestDevice {
  serialNumber: string;
  manufacturer: string;
  model: string;
  hardwareHash: string;
}

export function testDevice(
  serialNumber: string,
  manufacturer = 'Contoso',
  model = 'Laptop 7',
  seed = '',
): TestDevice {
  return {
    serialNumber,
    manufacturer,
    model,
    hardwareHash: buildHardwareHash({ serialNumber, manufacturer, model, seed }),
  };
}

/** Text of a CSV file. */
export function csvText(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: { delimiter?: string; eol?: string; quoteAll?: boolean; finalEol?: boolean } = {},
): string {
  const eol = options.eol ?? '\r\n';
  const lines = [header, ...rows].map((row) =>
    formatCsvLine(row, {
      delimiter: options.delimiter ?? ',',
      quoteAll: options.quoteAll ?? false,
    }),
  );
  return lines.join(eol) + (options.finalEol === false ? '' : eol);
}

/** An Intune file (3 columns) of these devices. */
export function intuneCsv(
  devices: readonly TestDevice[],
  options: Parameters<typeof csvText>[2] = {},
): string {
  return csvText(
    INTUNE_HEADER,
    devices.map((d) => [d.serialNumber, '', d.hardwareHash]),
    options,
  );
}

/** Bytes of `text` in `encoding`, with the BOM the encoding implies. */
export function encodeText(text: string, encoding: CsvEncoding): Buffer {
  switch (encoding) {
    case 'utf-8':
      return Buffer.from(text, 'utf8');
    case 'utf-8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf-16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf-16be':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    case 'windows-1252':
      // Latin-1 letters are the same bytes in Windows-1252; 0x80–0x9F differ, so refuse them.
      if (
        [...text].some(
          (c) => c.charCodeAt(0) > 0xff || (c.charCodeAt(0) >= 0x80 && c.charCodeAt(0) < 0xa0),
        )
      ) {
        throw new Error('encodeText: only Latin-1 letters are written as Windows-1252 here');
      }
      return Buffer.from(text, 'latin1');
  }
}

/** Splits bytes into chunks of `size`, as a stream would deliver them. */
export async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) {
    yield bytes.subarray(at, at + size);
  }
}

/** Re-encodes a hash after `edit` changed its decoded bytes. */
export function editHash(text: string, edit: (bytes: Buffer) => void): string {
  const bytes = Buffer.from(text, 'base64');
  edit(bytes);
  return bytes.toString('base64');
}
