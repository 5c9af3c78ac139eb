/**
 * Byte → text for device lists. Real files are UTF-16 LE with a BOM (Windows PowerShell
 * 5.1's `Out-File` default, 11 of 12 real files), UTF-8 with or without BOM (PowerShell 6+,
 * `-Encoding UTF8`), or "ANSI" (Windows-1252) as the reference's docs ask. Detection:
 * BOM first; then UTF-16 without BOM from the pattern of zero bytes; then UTF-8 if the
 * bytes are valid UTF-8, else Windows-1252 — so `ü` is decoded right either way.
 * @module
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';

/** Encodings the intake reads, as reported to users. */
export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** How an encoding is named to users. */
export function encodingName(encoding: CsvEncoding): string {
  switch (encoding) {
    case 'utf-8':
      return 'UTF-8';
    case 'utf-8-bom':
      return 'UTF-8 with BOM';
    case 'utf-16le':
      return 'UTF-16 LE';
    case 'utf-16be':
      return 'UTF-16 BE';
    case 'windows-1252':
      return 'Windows-1252';
  }
}

/** What the first bytes say about the file. */
export interface EncodingGuess {
  readonly encoding: CsvEncoding;
  /** Bytes of byte-order mark to skip. */
  readonly bomLength: number;
  /** Set when the bytes are not text at all. */
  readonly binary: 'xlsx' | 'xls' | 'binary' | null;
}

/** How many bytes `detectEncoding` wants to see (fewer is fine at end of file). */
export const ENCODING_SNIFF_BYTES = 4096;

/** Guesses the encoding from the first bytes of a file (up to `ENCODING_SNIFF_BYTES`). */
export function detectEncoding(head: Uint8Array): EncodingGuess {
  const [b0, b1, b2, b3] = head;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) {
    return { encoding: 'utf-8-bom', bomLength: 3, binary: null };
  }
  if (b0 === 0xff && b1 === 0xfe) {
    return { encoding: 'utf-16le', bomLength: 2, binary: null };
  }
  if (b0 === 0xfe && b1 === 0xff) {
    return { encoding: 'utf-16be', bomLength: 2, binary: null };
  }
  // Excel workbooks: .xlsx is a ZIP archive, .xls an OLE compound file.
  if (b0 === 0x50 && b1 === 0x4b && b2 === 0x03 && b3 === 0x04) {
    return { encoding: 'utf-8', bomLength: 0, binary: 'xlsx' };
  }
  if (b0 === 0xd0 && b1 === 0xcf && b2 === 0x11 && b3 === 0xe0) {
    return { encoding: 'utf-8', bomLength: 0, binary: 'xls' };
  }
  const utf16 = guessUtf16WithoutBom(head);
  if (utf16) {
    return { encoding: utf16, bomLength: 0, binary: null };
  }
  let zeros = 0;
  for (const byte of head) {
    if (byte === 0) {
      zeros++;
    }
  }
  // A stray NUL is a located value error later; many of them mean a binary file.
  if (zeros > Math.max(4, head.length / 50)) {
    return { encoding: 'utf-8', bomLength: 0, binary: 'binary' };
  }
  return { encoding: 'utf-8', bomLength: 0, binary: null };
}

/**
 * CSV text is almost all ASCII, so UTF-16 without BOM shows a zero in every other byte:
 * the high byte comes second in LE, first in BE.
 */
function guessUtf16WithoutBom(head: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const pairs = Math.min(head.length, 1024) >> 1;
  if (pairs < 2) {
    return null;
  }
  let zeroEven = 0;
  let zeroOdd = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    if (head[i] === 0) {
      zeroEven++;
    }
    if (head[i + 1] === 0) {
      zeroOdd++;
    }
  }
  if (zeroOdd >= pairs * 0.4 && zeroEven <= pairs * 0.05) {
    return 'utf-16le';
  }
  if (zeroEven >= pairs * 0.4 && zeroOdd <= pairs * 0.05) {
    return 'utf-16be';
  }
  return null;
}

const EMPTY = new Uint8Array(0);

/**
 * Streaming decoder: give it the bytes after the BOM in chunks of any size. Invalid
 * sequences become U+FFFD, which the row validator reports with line and column.
 * A BOM-less file that turns out not to be UTF-8 while everything before was ASCII is
 * Windows-1252 from the start (the ASCII prefix reads the same), so it switches there.
 */
export class TextChunkDecoder {
  #encoding: CsvEncoding;
  #carry: Uint8Array = EMPTY;
  #sawNonAscii = false;
  readonly #utf16: TextDecoder | null;
  #cp1252: TextDecoder | null = null;

  constructor(encoding: CsvEncoding) {
    this.#encoding = encoding;
    this.#utf16 =
      encoding === 'utf-16le' || encoding === 'utf-16be'
        ? new TextDecoder(encoding, { fatal: false, ignoreBOM: true })
        : null;
    if (encoding === 'windows-1252') {
      this.#cp1252 = new TextDecoder('windows-1252');
    }
  }

  /** The encoding in use; may change once from `utf-8` to `windows-1252`. */
  get encoding(): CsvEncoding {
    return this.#encoding;
  }

  /** Decodes the next chunk; a multi-byte sequence split across chunks is carried over. */
  decode(chunk: Uint8Array): string {
    if (this.#utf16) {
      return this.#utf16.decode(chunk, { stream: true });
    }
    if (this.#cp1252) {
      return this.#cp1252.decode(chunk);
    }
    const bytes = this.#carry.length > 0 ? concat(this.#carry, chunk) : chunk;
    const complete = completeUtf8Length(bytes);
    this.#carry = bytes.slice(complete);
    return this.#decodeUtf8(bytes.subarray(0, complete));
  }

  /** Flushes what is left at end of input. */
  end(): string {
    if (this.#utf16) {
      return this.#utf16.decode();
    }
    const rest = this.#carry;
    this.#carry = EMPTY;
    if (rest.length === 0) {
      return '';
    }
    if (this.#cp1252) {
      return this.#cp1252.decode(rest);
    }
    // An incomplete sequence at the very end: not valid UTF-8.
    return this.#decodeUtf8(rest);
  }

  #decodeUtf8(part: Uint8Array): string {
    const buffer = Buffer.from(part.buffer, part.byteOffset, part.byteLength);
    // Most lists are pure ASCII: checking that and copying bytes is 3× faster than UTF-8 decoding.
    if (isAscii(buffer)) {
      return buffer.toString('latin1');
    }
    if (isUtf8(buffer)) {
      const text = buffer.toString('utf8');
      // Equal lengths mean every byte was ASCII.
      this.#sawNonAscii ||= text.length !== buffer.length;
      return text;
    }
    // Windows-1252 only if nothing but ASCII came before the first invalid byte, a fact of
    // the file that does not depend on where chunks were cut.
    if (this.#encoding === 'utf-8' && !this.#sawNonAscii && !nonAsciiBeforeInvalid(part)) {
      this.#encoding = 'windows-1252';
      this.#cp1252 = new TextDecoder('windows-1252');
      const carried = this.#carry;
      this.#carry = EMPTY;
      return this.#cp1252.decode(carried.length > 0 ? concat(part, carried) : part);
    }
    // Decided: UTF-8 with damaged bytes, for the rest of the file too.
    this.#sawNonAscii = true;
    return new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(part);
  }
}

/** True when valid non-ASCII UTF-8 precedes the first invalid sequence of `bytes`. */
function nonAsciiBeforeInvalid(bytes: Uint8Array): boolean {
  let seen = false;
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i] ?? 0;
    if (byte < 0x80) {
      i++;
      continue;
    }
    const length =
      byte >= 0xf0 && byte <= 0xf4 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc2 && byte <= 0xdf ? 2 : 0;
    if (length === 0 || i + length > bytes.length) {
      return seen;
    }
    const valid = isUtf8(bytes.subarray(i, i + length));
    if (!valid) {
      return seen;
    }
    seen = true;
    i += length;
  }
  return seen;
}

/** Length of the prefix that does not end inside a multi-byte UTF-8 sequence. */
function completeUtf8Length(bytes: Uint8Array): number {
  const end = bytes.length;
  for (let i = end - 1; i >= 0 && i >= end - 4; i--) {
    const byte = bytes[i] ?? 0;
    if (byte < 0x80) {
      return end;
    }
    if (byte >= 0xc0) {
      const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return end - i >= needed ? end : i;
    }
  }
  return end;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
