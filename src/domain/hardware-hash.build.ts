/**
 * Builds synthetic hardware hashes with the real structure (signature, records, SHA-256
 * trailer, zero padding to 4000 characters) for tests, property tests, benchmarks and
 * sample files. They are not harvested from hardware: never register one for real.
 * @module
 */
import { createHash } from 'node:crypto';
import {
  CpuArchitecture,
  HARVEST_EPOCH_MS,
  HASH_SIGNATURE,
  HEADER_LENGTH,
  MODERN_HASH_BYTES,
  RECORD_HEADER_LENGTH,
  RecordType,
  ToolAndOsRecord,
  TRAILER_LENGTH,
  TRAILER_SIGNATURE,
} from './hardware-hash.format.js';

/** What the synthetic device looks like; everything else is derived deterministically. */
export interface HardwareHashSpec {
  readonly serialNumber: string;
  readonly manufacturer: string;
  readonly model: string;
  /** 32 hex digits, dashes allowed; derived from the other fields when absent. */
  readonly smbiosUuid?: string;
  /** Written as record 24 when given (13 digits on real devices). */
  readonly productKeyId?: string;
  /** Default 2025-01-01T00:00:00Z, so the same spec always gives the same hash. */
  readonly harvestedAt?: Date;
  /** `major.minor.build.revision`, default `10.0.26100.1`. */
  readonly osBuild?: string;
  readonly architecture?: 'x64' | 'arm64';
  /** Varies the derived bytes (MAC, TPM key, UUID) between otherwise equal specs. */
  readonly seed?: string;
  /** Size to zero-pad to; default 3000 bytes (4000 characters) like every modern hash. */
  readonly paddedLength?: number;
}

const DEFAULT_HARVEST = new Date(Date.UTC(2025, 0, 1));

/** Returns the base64 text of a valid, structured hardware hash for `spec`. */
export function buildHardwareHash(spec: HardwareHashSpec): string {
  const random = derivedBytes(
    [spec.seed ?? '', spec.serialNumber, spec.manufacturer, spec.model].join('\u0000'),
  );
  const records: Buffer[] = [
    record(RecordType.toolAndOs, toolAndOs(spec)),
    record(RecordType.processor, Buffer.from([9, 0, 1, 0, 8, 0, 16, 0, 1, 0, 0, 0])),
    record(RecordType.cpuVendor, utf8z('GenuineIntel')),
    record(
      RecordType.networkAdapter,
      Buffer.concat([Buffer.from([14, 0, 0, 0]), random(6), Buffer.alloc(2)]),
    ),
    record(RecordType.tpmVersion, utf8z('2.0')),
    record(RecordType.tpmEkPub, random(270)),
    record(RecordType.offlineDeviceId, Buffer.concat([Buffer.from([1, 0, 0, 0]), random(64)])),
    record(RecordType.smbiosUuid, spec.smbiosUuid ? uuidBytes(spec.smbiosUuid) : random(16)),
    record(RecordType.smbiosSerial, utf8z(spec.serialNumber)),
    record(RecordType.firmwareVendor, utf8z(spec.manufacturer)),
    record(RecordType.manufacturer, utf8z(spec.manufacturer)),
    record(RecordType.model, utf8z(spec.model)),
    record(RecordType.sku, utf8z(`${spec.model} SKU`)),
    record(RecordType.family, utf8z(spec.model.split(' ')[0] ?? spec.model)),
  ];
  if (spec.productKeyId !== undefined) {
    records.push(record(RecordType.productKeyId, utf8z(spec.productKeyId)));
  }
  const body = Buffer.concat(records);
  const used = HEADER_LENGTH + body.length;
  if (used > 0xffff) {
    throw new RangeError('buildHardwareHash: the values are too long for a u16 length field');
  }
  const header = Buffer.alloc(HEADER_LENGTH);
  header.write(HASH_SIGNATURE, 0, 'latin1');
  header.writeUInt16LE(used, 2);
  const covered = Buffer.concat([header, body]);
  const trailer = Buffer.alloc(4);
  trailer.write(TRAILER_SIGNATURE, 0, 'latin1');
  trailer.writeUInt16LE(TRAILER_LENGTH, 2);
  const digest = createHash('sha256').update(covered).digest();
  const content = Buffer.concat([covered, trailer, digest]);
  // Round up to a multiple of 3 so the text never needs "=" padding, as real hashes.
  const target = Math.max(
    spec.paddedLength ?? MODERN_HASH_BYTES,
    Math.ceil(content.length / 3) * 3,
  );
  return Buffer.concat([content, Buffer.alloc(target - content.length)]).toString('base64');
}

function record(type: number, value: Buffer): Buffer {
  const head = Buffer.alloc(RECORD_HEADER_LENGTH);
  head.writeUInt16LE(type, 0);
  head.writeUInt16LE(RECORD_HEADER_LENGTH + value.length, 2);
  return Buffer.concat([head, value]);
}

function utf8z(text: string): Buffer {
  return Buffer.from(`${text}\u0000`, 'utf8');
}

function toolAndOs(spec: HardwareHashSpec): Buffer {
  const value = Buffer.alloc(ToolAndOsRecord.length);
  const [major = 10, minor = 0, build = 26100, revision = 1] = (spec.osBuild ?? '10.0.26100.1')
    .split('.')
    .map((part) => Number(part) & 0xffff);
  for (const at of [ToolAndOsRecord.toolVersionOffset, ToolAndOsRecord.osVersionOffset]) {
    value.writeUInt16LE(minor, at);
    value.writeUInt16LE(major, at + 2);
    value.writeUInt16LE(revision, at + 4);
    value.writeUInt16LE(build, at + 6);
  }
  const seconds = Math.floor(
    ((spec.harvestedAt ?? DEFAULT_HARVEST).getTime() - HARVEST_EPOCH_MS) / 1000,
  );
  value.writeUInt32LE(
    Math.max(0, Math.min(seconds, 0xffffffff)),
    ToolAndOsRecord.harvestTimeOffset,
  );
  value[ToolAndOsRecord.osTypeOffset] = 2; // FullOS
  value[ToolAndOsRecord.architectureOffset] =
    spec.architecture === 'arm64' ? CpuArchitecture.arm64 : CpuArchitecture.x64;
  value[ToolAndOsRecord.toolRevisionOffset] = 9;
  return value;
}

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) {
    throw new RangeError('buildHardwareHash: smbiosUuid must be 32 hex digits');
  }
  return Buffer.from(hex, 'hex');
}

/** A deterministic byte source (SHA-256 in counter mode) so equal specs give equal hashes. */
function derivedBytes(seed: string): (count: number) => Buffer {
  let counter = 0;
  return (count) => {
    const blocks: Buffer[] = [];
    for (let have = 0; have < count; have += 32) {
      blocks.push(createHash('sha256').update(`${seed}\u0000${counter++}`).digest());
    }
    return Buffer.concat(blocks).subarray(0, count);
  };
}
