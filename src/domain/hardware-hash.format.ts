/**
 * The binary layout of the Windows "4K" hardware hash (OA3 hardware ID), shared by the
 * decoder and the builder. Reverse-engineered publicly (Niehaus' AutopilotUtility,
 * oofhours.com 2022) and checked on every real hash in shared/corpus (CSV-FACTS.md §5.2):
 *
 * ```
 * 0   'O' 'A'                      signature
 * 2   u16 LE  L                    length of signature + length + records
 * 4   records, tiling 4..L exactly: u16 type, u16 length (incl. this 4-byte header), value
 * L   'C' 'S', u16 LE 36, SHA-256(bytes 0..L-1)    36-byte trailer
 * L+36 zero padding (modern hashes are padded to 3000 bytes = 4000 base64 characters)
 * ```
 * @module
 */

/** ASCII `OA` at offset 0 (OEM Activation 3.0). Its base64 form makes every hash start `T0`. */
export const HASH_SIGNATURE = 'OA';

/** ASCII `CS` that opens the checksum trailer at offset L. */
export const TRAILER_SIGNATURE = 'CS';

/** Size of the trailer: `CS`, the u16 value 36 itself, and a 32-byte SHA-256. */
export const TRAILER_LENGTH = 36;

/** Bytes before the first record: the signature and the u16 length. */
export const HEADER_LENGTH = 4;

/** Every record starts with a u16 type and a u16 length that counts these 4 bytes too. */
export const RECORD_HEADER_LENGTH = 4;

/** Size of every complete hash harvested since Windows 10 1709 (13 of 13 in the corpus). */
export const MODERN_HASH_BYTES = 3000;

/** `MODERN_HASH_BYTES` as base64 text: 3000 is divisible by 3, so no `=` padding. */
export const MODERN_HASH_CHARS = 4000;

/** Record 1 stores the harvest time as u32 seconds since this instant (CSV-FACTS §5.2). */
export const HARVEST_EPOCH_MS = Date.UTC(2000, 0, 1);

/** Record types this code reads or writes (names from AutopilotUtility). */
export const RecordType = {
  /** Tool and OS build (two 8-byte versions), harvest time, OS type, CPU architecture. */
  toolAndOs: 1,
  processor: 2,
  cpuVendor: 3,
  networkAdapter: 8,
  /** TPM-EK based offline device id. */
  offlineDeviceId: 11,
  smbiosUuid: 12,
  tpmVersion: 13,
  smbiosSerial: 14,
  firmwareVendor: 15,
  manufacturer: 16,
  model: 17,
  sku: 18,
  family: 19,
  productKeyId: 24,
  tpmEkPub: 25,
} as const;

/** Layout of the value of record 1 (24 bytes in every corpus hash). */
export const ToolAndOsRecord = {
  length: 24,
  /** Two versions of four u16 each, stored minor, major, revision, build. */
  toolVersionOffset: 0,
  osVersionOffset: 8,
  harvestTimeOffset: 16,
  osTypeOffset: 21,
  architectureOffset: 22,
  toolRevisionOffset: 23,
} as const;

/** CPU architecture codes of record 1 (byte 22). */
export const CpuArchitecture = { x86: 0, x64: 9, arm64: 12 } as const;
