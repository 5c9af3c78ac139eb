/**
 * A hash that passed every check, as an object that is cheap to make: the values the CSV
 * checks need (serial, manufacturer, model, PKID, checksum) are read at once; the rest
 * (UUID formatting, harvest date, OS build, the digest over all 3000 bytes) on first use.
 * Reading a 100 000-row file makes 100 000 of these.
 * @module
 */
import crypto from 'node:crypto';
import type { DecodedHardwareHash, HardwareHashFacts } from './hardware-hash.js';
import { CpuArchitecture, HARVEST_EPOCH_MS, ToolAndOsRecord } from './hardware-hash.format.js';

/** Value spans [start, end) of the records the decoder reads; -1 when absent. */
export interface RecordSpans {
  toolAndOs: number;
  uuid: number;
  uuidEnd: number;
  serial: number;
  serialEnd: number;
  manufacturer: number;
  manufacturerEnd: number;
  model: number;
  modelEnd: number;
  productKeyId: number;
  productKeyIdEnd: number;
}

/**
 * SHA-256 (lower-case hex) of decoded hash bytes. Two rows with the same digest carry the
 * same hash; two harvests of one device differ (record 1 holds the harvest time).
 */
export function hardwareHashDigest(decoded: Uint8Array): string {
  return sha256(decoded).toString('hex');
}

type OneShotHash = (algorithm: string, data: Uint8Array, encoding: 'buffer') => Buffer;
// crypto.hash() (Node 20.12+) skips the Hash object; older Node 20 releases use createHash.
const oneShot = (crypto as unknown as { hash?: OneShotHash }).hash;

/** SHA-256 of `data`. */
export function sha256(data: Uint8Array): Buffer {
  return oneShot
    ? oneShot('sha256', data, 'buffer')
    : crypto.createHash('sha256').update(data).digest();
}

/** A valid hash. `bytes` is only read in the constructor (it is a reused scratch buffer). */
export class DecodedHash implements DecodedHardwareHash {
  readonly ok = true as const;
  readonly serialNumber: string | null;
  readonly manufacturer: string | null;
  readonly model: string | null;
  readonly productKeyId: string | null;
  readonly #uuidHex: string | null;
  /** Seconds since 2000-01-01, or -1 without record 1. */
  readonly #harvestSeconds: number;
  /** OS version as stored (minor, major, revision, build); major -1 without record 1. */
  readonly #osMinor: number;
  readonly #osMajor: number;
  readonly #osRevision: number;
  readonly #osBuild: number;
  readonly #architecture: number;
  #digest: string | undefined;

  constructor(
    readonly text: string,
    readonly repadded: boolean,
    readonly byteLength: number,
    readonly usedLength: number,
    readonly checksum: string,
    bytes: Buffer,
    spans: RecordSpans,
  ) {
    this.serialNumber = readString(bytes, spans.serial, spans.serialEnd);
    this.manufacturer = readString(bytes, spans.manufacturer, spans.manufacturerEnd);
    this.model = readString(bytes, spans.model, spans.modelEnd);
    this.productKeyId = readString(bytes, spans.productKeyId, spans.productKeyIdEnd);
    this.#uuidHex =
      spans.uuid >= 0 && spans.uuidEnd - spans.uuid === 16
        ? bytes.toString('hex', spans.uuid, spans.uuidEnd)
        : null;
    const tool = spans.toolAndOs;
    this.#harvestSeconds =
      tool < 0 ? -1 : bytes.readUInt32LE(tool + ToolAndOsRecord.harvestTimeOffset);
    const os = tool + ToolAndOsRecord.osVersionOffset;
    this.#osMinor = tool < 0 ? 0 : bytes.readUInt16LE(os);
    this.#osMajor = tool < 0 ? -1 : bytes.readUInt16LE(os + 2);
    this.#osRevision = tool < 0 ? 0 : bytes.readUInt16LE(os + 4);
    this.#osBuild = tool < 0 ? 0 : bytes.readUInt16LE(os + 6);
    this.#architecture = tool < 0 ? -1 : (bytes[tool + ToolAndOsRecord.architectureOffset] ?? -1);
  }

  get smbiosUuid(): string | null {
    const hex = this.#uuidHex;
    return hex === null
      ? null
      : `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  get harvestedAt(): Date | null {
    return this.#harvestSeconds < 0
      ? null
      : new Date(HARVEST_EPOCH_MS + this.#harvestSeconds * 1000);
  }

  get osBuild(): string | null {
    return this.#osMajor < 0
      ? null
      : `${this.#osMajor}.${this.#osMinor}.${this.#osBuild}.${this.#osRevision}`;
  }

  get architecture(): HardwareHashFacts['architecture'] {
    switch (this.#architecture) {
      case CpuArchitecture.x86:
        return 'x86';
      case CpuArchitecture.x64:
        return 'x64';
      case CpuArchitecture.arm64:
        return 'arm64';
      default:
        return null;
    }
  }

  get digest(): string {
    this.#digest ??= hardwareHashDigest(Buffer.from(this.text, 'base64'));
    return this.#digest;
  }

  /**
   * The decoded facts as plain data, digest included. The hash text is left out on
   * purpose: it carries MAC addresses and TPM keys, and logs should not.
   */
  toJSON(): Omit<DecodedHardwareHash, 'text'> {
    return {
      ok: true,
      repadded: this.repadded,
      byteLength: this.byteLength,
      usedLength: this.usedLength,
      checksum: this.checksum,
      digest: this.digest,
      serialNumber: this.serialNumber,
      manufacturer: this.manufacturer,
      model: this.model,
      productKeyId: this.productKeyId,
      smbiosUuid: this.smbiosUuid,
      harvestedAt: this.harvestedAt,
      osBuild: this.osBuild,
      architecture: this.architecture,
    };
  }
}

/** Strings are UTF-8 with a trailing NUL. */
function readString(bytes: Buffer, start: number, end: number): string | null {
  if (start < 0) {
    return null;
  }
  while (end > start && bytes[end - 1] === 0) {
    end--;
  }
  return bytes.toString('utf8', start, end);
}
