import { describe, expect, it } from 'vitest';
import { encodeText } from '../../test/csv/kit.js';
import { detectEncoding, TextChunkDecoder, type CsvEncoding } from './encoding.js';

/** Detects, then decodes in chunks of `size` bytes. */
function decode(bytes: Uint8Array, size = 7): { encoding: CsvEncoding; text: string } {
  const guess = detectEncoding(bytes.subarray(0, 4096));
  const decoder = new TextChunkDecoder(guess.encoding);
  let text = '';
  const body = bytes.subarray(guess.bomLength);
  for (let at = 0; at < body.length; at += size) {
    text += decoder.decode(body.subarray(at, at + size));
  }
  text += decoder.end();
  return { encoding: decoder.encoding, text };
}

const sample = 'Device Serial Number,Windows Product ID,Hardware Hash\r\nMüller-ß-é,,T0FOBA==\r\n';

describe(detectEncoding.name, () => {
  it.each(['utf-8-bom', 'utf-16le', 'utf-16be'] as const)(
    'recognises the %s byte-order mark',
    (encoding) => {
      expect(detectEncoding(encodeText(sample, encoding))).toMatchObject({
        encoding,
        binary: null,
      });
    },
  );

  it('recognises UTF-16 without a BOM from its zero bytes', () => {
    expect(detectEncoding(Buffer.from(sample, 'utf16le')).encoding).toBe('utf-16le');
    expect(detectEncoding(Buffer.from(sample, 'utf16le').swap16()).encoding).toBe('utf-16be');
  });

  it('refuses Excel workbooks and binary files', () => {
    expect(detectEncoding(Buffer.from('PK\u0003\u0004rest', 'latin1')).binary).toBe('xlsx');
    expect(detectEncoding(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1])).binary).toBe('xls');
    expect(detectEncoding(Buffer.alloc(100)).binary).toBe('binary');
  });
});

describe(TextChunkDecoder.name, () => {
  it.each(['utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be', 'windows-1252'] as const)(
    'decodes %s exactly, whatever the chunk boundaries',
    (encoding) => {
      for (const size of [1, 2, 3, 7, 4096]) {
        expect(decode(encodeText(sample, encoding), size)).toEqual({ encoding, text: sample });
      }
    },
  );

  it('switches to Windows-1252 when invalid UTF-8 follows a long ASCII prefix, without mangling ü', () => {
    const text = `${'A'.repeat(10_000)}\r\nM\u00fcller\r\n`;
    expect(decode(Buffer.from(text, 'latin1'), 1000)).toEqual({ encoding: 'windows-1252', text });
  });

  it('keeps UTF-8 and marks bad bytes with U+FFFD once real UTF-8 was seen', () => {
    const bytes = Buffer.concat([Buffer.from('Müller,'), Buffer.from([0xfc]), Buffer.from('x')]);
    expect(decode(bytes)).toEqual({ encoding: 'utf-8', text: 'Müller,\ufffdx' });
  });

  it('marks an odd trailing byte of UTF-16 and an incomplete UTF-8 sequence at the end', () => {
    expect(decode(Buffer.concat([encodeText('ab', 'utf-16le'), Buffer.from([0x41])])).text).toBe(
      'ab\ufffd',
    );
    expect(decode(Buffer.concat([Buffer.from('é'), Buffer.from([0xc3])])).text).toBe('é\ufffd');
  });
});
