/**
 * Decoding and validating the Windows "4K" hardware hash offline. The hash is base64 text
 * of the OA3 structure described in `hardware-hash.format.ts`; its own SHA-256 trailer
 * lets us catch truncation, edits and copy/paste damage before anything goes upstream.
 *
 * The hash carries MAC addresses, disk serials and the TPM endorsement key: messages
 * produced here never contain more than `hashPreview()` shows.
 * @module
 */
import { decodeBase64Strict } from './hardware-hash.base64.js';
import { DecodedHash, sha256, type RecordSpans } from './hardware-hash.decoded.js';
import {
  HASH_SIGNATURE,
  HEADER_LENGTH,
  RECORD_HEADER_LENGTH,
  RecordType,
  ToolAndOsRecord,
  TRAILER_LENGTH,
  TRAILER_SIGNATURE,
} from './hardware-hash.format.js';

export { buildHardwareHash, type HardwareHashSpec } from './hardware-hash.build.js';
export { hardwareHashDigest } from './hardware-hash.decoded.js';

/** Which check a hash failed, in the order they run. */
export type HardwareHashCheck =
  'empty' | 'base64' | 'signature' | 'length' | 'truncated' | 'records' | 'trailer' | 'checksum';

/** Why text is not strict standard base64. */
export type Base64Problem =
  /** A space, tab or line break inside the text (mail clients wrap long lines). */
  | 'whitespace'
  /** `-` or `_`: the URL-safe alphabet. Real hashes always use `+` and `/`. */
  | 'url-safe'
  /** Any other character outside `A–Z a–z 0–9 + / =`. */
  | 'character'
  /** `=` somewhere other than the last one or two positions of a padded text. */
  | 'padding'
  /** A length of 4n+1 characters, which no byte sequence encodes to. */
  | 'length';

/** What the hash says about the device (null where the record is absent). */
export interface HardwareHashFacts {
  /** SMBIOS serial (record 14), e.g. `PF5NRH33`; VMs without one hold `SMBIOS_STRING_INDEX_0`. */
  readonly serialNumber: string | null;
  /** SMBIOS system manufacturer (record 16), e.g. `LENOVO`, `VMware, Inc.`. */
  readonly manufacturer: string | null;
  /** SMBIOS product name (record 17), e.g. `HP EliteBook 840 G8 Notebook PC`. */
  readonly model: string | null;
  /** 13-digit product key id (record 24), present on OEM-activated devices. */
  readonly productKeyId: string | null;
  /** SMBIOS UUID (record 12) as lower-case 8-4-4-4-12 hex, bytes in stored order. */
  readonly smbiosUuid: string | null;
  /** When the hash was harvested (record 1); explains why two harvests differ. */
  readonly harvestedAt: Date | null;
  /** Windows build that produced the hash, e.g. `10.0.26100.1591`. */
  readonly osBuild: string | null;
  readonly architecture: 'x86' | 'x64' | 'arm64' | null;
}

/** A hash that passed every check. */
export interface DecodedHardwareHash extends HardwareHashFacts {
  readonly ok: true;
  /** The hash as strict padded base64 (equal to the input unless `repadded`). */
  readonly text: string;
  /** True when the input lacked its `=` padding and it was added. */
  readonly repadded: boolean;
  /** Decoded size: 3000 for every modern hash. */
  readonly byteLength: number;
  /** L: the size of the signature, length and records. */
  readonly usedLength: number;
  /**
   * `hardwareHashDigest` of the decoded bytes: the key Preflight indexes hashes by.
   * Computed on first read.
   */
  readonly digest: string;
  /**
   * The SHA-256 the hash carries in its trailer (hex), over signature, length and records:
   * identifies one harvest, free to read. Equal for texts that differ only in padding.
   */
  readonly checksum: string;
}

/** A hash that failed a check; `message` says which, without quoting the hash. */
export interface HardwareHashFailure {
  readonly ok: false;
  readonly check: HardwareHashCheck;
  readonly message: string;
  /** For `base64`: what is wrong with the text. */
  readonly base64Problem?: Base64Problem;
  /** For `base64`: 0-based index of the first offending character. */
  readonly position?: number;
  /** For `signature`: the text decodes to base64 again (the hash was encoded twice). */
  readonly doubleEncoded?: boolean;
}

/** Result of `decodeHardwareHash`. */
export type HardwareHashResult = DecodedHardwareHash | HardwareHashFailure;

/** A safe way to mention a hash in a message: its first 8 characters and its length. */
export function hashPreview(text: string): string {
  const head = text.slice(0, 8).replace(/[^\x21-\x7e]/g, '?');
  return `${head}${text.length > 8 ? '…' : ''} (${text.length} characters)`;
}

/**
 * Decodes and checks a hardware hash given as base64 text (already trimmed). Never
 * throws. Decision on padding: `=` may be missing when the length is 4n+2 or 4n+3
 * (devices emit unpadded base64, per Microsoft's troubleshooting page); such a hash
 * decodes, `repadded` is set and `text` holds the padded form the reference requires.
 */
export function decodeHardwareHash(input: string): HardwareHashResult {
  if (input.length === 0) {
    return fail('empty', 'The hardware hash is empty.');
  }
  const base64 = decodeBase64Strict(input);
  if (!base64.ok) {
    return {
      ok: false,
      check: 'base64',
      base64Problem: base64.problem,
      position: base64.position,
      message: base64.message,
    };
  }
  return checkStructure(base64.buffer, base64.length, base64.text, base64.repadded);
}

function fail(
  check: HardwareHashCheck,
  message: string,
  extra: Partial<HardwareHashFailure> = {},
): HardwareHashFailure {
  return { ok: false, check, message, ...extra };
}

const SIGNATURE = Buffer.from(HASH_SIGNATURE, 'latin1');
const TRAILER = Buffer.from(TRAILER_SIGNATURE, 'latin1');

/** Checks the structure of `bytes[0, size)`; the bytes are a scratch view, copied nowhere. */
function checkStructure(
  bytes: Buffer,
  size: number,
  text: string,
  repadded: boolean,
): HardwareHashResult {
  if (size < HEADER_LENGTH || bytes[0] !== SIGNATURE[0] || bytes[1] !== SIGNATURE[1]) {
    // "T0" is base64 of "OA": the text was base64-encoded a second time (a known Graph SDK pitfall).
    const doubleEncoded = size >= 2 && bytes[0] === 0x54 && bytes[1] === 0x30;
    return fail(
      'signature',
      doubleEncoded
        ? 'The hardware hash was base64-encoded twice: it decodes to base64 text instead of the hash structure.'
        : 'The hardware hash does not decode to the hash structure: it lacks the "OA" signature (real hashes start with "T0").',
      { doubleEncoded },
    );
  }
  const used = bytes.readUInt16LE(2);
  if (used < HEADER_LENGTH) {
    return fail(
      'length',
      `The hardware hash's length field (${used}) is smaller than its own header.`,
    );
  }
  if (used + TRAILER_LENGTH > size) {
    const missing = used + TRAILER_LENGTH - size;
    return fail(
      'truncated',
      `The hardware hash is cut short: its structure needs ${used + TRAILER_LENGTH} bytes but the text decodes to ${size} (${missing} byte${missing === 1 ? '' : 's'} missing).`,
    );
  }
  const spans: RecordSpans = {
    toolAndOs: -1,
    uuid: -1,
    uuidEnd: -1,
    serial: -1,
    serialEnd: -1,
    manufacturer: -1,
    manufacturerEnd: -1,
    model: -1,
    modelEnd: -1,
    productKeyId: -1,
    productKeyIdEnd: -1,
  };
  let offset = HEADER_LENGTH;
  while (offset < used) {
    if (offset + RECORD_HEADER_LENGTH > used) {
      return fail('records', `The hardware hash's records overrun their area at byte ${offset}.`);
    }
    const type = bytes.readUInt16LE(offset);
    const length = bytes.readUInt16LE(offset + 2);
    if (length < RECORD_HEADER_LENGTH || offset + length > used) {
      return fail(
        'records',
        `The hardware hash's record at byte ${offset} has an impossible length (${length}).`,
      );
    }
    noteRecord(spans, type, offset + RECORD_HEADER_LENGTH, offset + length);
    offset += length;
  }
  if (
    bytes[used] !== TRAILER[0] ||
    bytes[used + 1] !== TRAILER[1] ||
    bytes.readUInt16LE(used + 2) !== TRAILER_LENGTH
  ) {
    return fail(
      'trailer',
      `The hardware hash has no checksum trailer where its length field says (byte ${used}).`,
    );
  }
  const actual = sha256(bytes.subarray(0, used));
  if (bytes.compare(actual, 0, 32, used + 4, used + TRAILER_LENGTH) !== 0) {
    return fail(
      'checksum',
      'The hardware hash does not match its own SHA-256 checksum: it was edited or damaged.',
    );
  }
  return new DecodedHash(text, repadded, size, used, actual.toString('hex'), bytes, spans);
}

function noteRecord(spans: RecordSpans, type: number, start: number, end: number): void {
  // The first record of each type wins; real hashes hold one of each of these.
  switch (type) {
    case RecordType.toolAndOs:
      if (spans.toolAndOs < 0 && end - start >= ToolAndOsRecord.length) {
        spans.toolAndOs = start;
      }
      break;
    case RecordType.smbiosUuid:
      if (spans.uuid < 0) {
        spans.uuid = start;
        spans.uuidEnd = end;
      }
      break;
    case RecordType.smbiosSerial:
      if (spans.serial < 0) {
        spans.serial = start;
        spans.serialEnd = end;
      }
      break;
    case RecordType.manufacturer:
      if (spans.manufacturer < 0) {
        spans.manufacturer = start;
        spans.manufacturerEnd = end;
      }
      break;
    case RecordType.model:
      if (spans.model < 0) {
        spans.model = start;
        spans.modelEnd = end;
      }
      break;
    case RecordType.productKeyId:
      if (spans.productKeyId < 0) {
        spans.productKeyId = start;
        spans.productKeyIdEnd = end;
      }
      break;
    default:
      break;
  }
}
