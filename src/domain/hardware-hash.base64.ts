/**
 * Strict standard base64 for hardware hashes. Node's decoder is lenient (it skips junk and
 * whitespace and accepts the URL-safe `-_`), so strictness is checked around it: URL-safe
 * characters are searched for, and any skipped character shows as a shorter output. Only
 * a failure pays for the character-by-character diagnosis.
 * @module
 */
import type { Base64Problem } from './hardware-hash.js';

/** Decoded bytes in a shared scratch buffer: valid until the next call. */
export interface ScratchBytes {
  readonly ok: true;
  readonly buffer: Buffer;
  readonly length: number;
  /** The text with its `=` padding. */
  readonly text: string;
  readonly repadded: boolean;
}

/** Why the text is not strict base64. */
export interface Base64Failure {
  readonly ok: false;
  readonly problem: Base64Problem;
  /** 0-based index of the first offending character. */
  readonly position: number;
  readonly message: string;
}

// Decoding into one reused buffer keeps 3000-byte allocations per row away from the GC.
let scratch = Buffer.allocUnsafe(16 * 1024);

/** Decodes `text` into the scratch buffer, or says what is wrong with it. */
export function decodeBase64Strict(text: string): ScratchBytes | Base64Failure {
  const remainder = text.length % 4;
  if (remainder === 1 || text.includes('-') || text.includes('_')) {
    return diagnoseBase64(text);
  }
  let pads = 0;
  while (pads < 2 && text.charCodeAt(text.length - 1 - pads) === 61 /* = */) {
    pads++;
  }
  if (remainder !== 0 && pads > 0) {
    return diagnoseBase64(text);
  }
  const expected =
    remainder === 0 ? (text.length / 4) * 3 - pads : Math.floor((text.length * 3) / 4);
  if (scratch.length < expected) {
    scratch = Buffer.allocUnsafe(expected);
  }
  // Any skipped character (whitespace, junk, an inner "=") makes the output shorter.
  const length = scratch.write(text, 0, expected, 'base64');
  if (length !== expected) {
    return diagnoseBase64(text);
  }
  const repadded = remainder !== 0;
  return {
    ok: true,
    buffer: scratch,
    length,
    text: repadded ? text + '='.repeat(4 - remainder) : text,
    repadded,
  };
}

/** Slow path: find the first offending character to explain the failure. */
export function diagnoseBase64(text: string): Base64Failure {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const alphabet =
      (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
    if (alphabet) {
      continue;
    }
    if (c === 61 /* = */) {
      const tail = text.slice(i);
      if (tail.length > 2 || !/^=+$/.test(tail) || text.length % 4 !== 0) {
        return failure(
          'padding',
          i,
          `The hardware hash has a misplaced "=" at character ${i + 1}.`,
        );
      }
      continue;
    }
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0) {
      const what = c === 10 || c === 13 ? 'line break' : 'space';
      return failure(
        'whitespace',
        i,
        `The hardware hash contains a ${what} at character ${i + 1}.`,
      );
    }
    if (c === 45 || c === 95) {
      return failure(
        'url-safe',
        i,
        `The hardware hash uses the URL-safe base64 alphabet ("${String.fromCharCode(c)}" at character ${i + 1}); hashes use "+" and "/".`,
      );
    }
    return failure(
      'character',
      i,
      `The hardware hash contains a character that is not base64 (${describeChar(c)} at character ${i + 1}).`,
    );
  }
  return failure(
    'length',
    text.length - 1,
    `The hardware hash is ${text.length} characters long; base64 text cannot be 4n+1 characters, so a character is missing or extra.`,
  );
}

function describeChar(code: number): string {
  if (code < 0x20 || code === 0x7f) {
    return `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return `"${String.fromCharCode(code)}"`;
}

function failure(problem: Base64Problem, position: number, message: string): Base64Failure {
  return { ok: false, problem, position, message };
}
