/**
 * Duplicates inside one file. The reference processes only one of two equal hashes
 * (`ZtdDeviceDuplicated`), and two harvests of one device differ in hash text (record 1
 * holds the harvest time), so devices are compared by what the hash says (serial +
 * manufacturer + model, CSV-FACTS §5.3), by the row's own tuple, and by PKID. The later
 * line gets the error, naming the earlier one.
 *
 * Devices are indexed by serial alone (short keys, one map operation per row: this runs
 * 100 000 times a file); the rare serial shared by different models is a short list.
 * @module
 */
import type { DecodedHardwareHash } from '../domain/hardware-hash.js';
import { PRODUCT_KEY_ID_LENGTH } from '../domain/product-key-id.js';
import { isPlaceholderSerialNumber } from '../domain/serial-number.js';
import { csvIssue, type CsvIssue } from './diagnostics.js';
import type { DeviceValues } from './model.js';

/** What the tracker needs to know about a row. */
export interface DuplicateCandidate {
  readonly line: number;
  readonly device: DeviceValues;
  readonly hash: DecodedHardwareHash | null;
}

/** Column names to put on duplicate issues, by field. */
export type DuplicateColumns = Readonly<
  Record<'hardwareHash' | 'productKeyId' | 'serialNumber', string | null>
>;

interface Seen {
  readonly manufacturer: string;
  readonly model: string;
  readonly line: number;
  /** The hash's checksum when the tuple came from a hash. */
  readonly checksum: string | null;
}

/** Remembers every device key seen so far in a file. */
export class DuplicateTracker {
  /** Serial → devices seen with it. */
  readonly #bySerial = new Map<string, Seen | Seen[]>();
  /** Hashes without a usable serial (VMs with `SMBIOS_STRING_INDEX_0`), by checksum. */
  readonly #anonymousHashes = new Map<string, number>();
  readonly #productKeyIds = new Map<string, number>();

  /** Registers the row's keys; returns the duplicate issue (at most one) for this row. */
  check(row: DuplicateCandidate, columns: DuplicateColumns): CsvIssue | null {
    let found: CsvIssue | null = null;
    const { hash, device } = row;
    const hashTuple = hash ? tuple(hash.serialNumber, hash.manufacturer, hash.model) : null;
    if (hash && hashTuple) {
      const earlier = this.#remember(hashTuple, row.line, hash.checksum);
      if (earlier) {
        found =
          earlier.checksum === hash.checksum
            ? csvIssue(
                'csv.duplicate.hash',
                row.line,
                columns.hardwareHash,
                `The same hardware hash is on line ${earlier.line}.`,
              )
            : csvIssue(
                'csv.duplicate.device',
                row.line,
                columns.hardwareHash,
                `The hardware hash belongs to the same device as line ${earlier.line} (${describe(hashTuple)}): two harvests of one device.`,
              );
      }
    } else if (hash) {
      // The trailer's own SHA-256 identifies the harvest and costs nothing to read.
      const earlier = this.#anonymousHashes.get(hash.checksum);
      if (earlier === undefined) {
        this.#anonymousHashes.set(hash.checksum, row.line);
      } else {
        found = csvIssue(
          'csv.duplicate.hash',
          row.line,
          columns.hardwareHash,
          `The same hardware hash is on line ${earlier}.`,
        );
      }
    }
    const pkid = device.productKeyId;
    if (pkid.length === PRODUCT_KEY_ID_LENGTH && /^\d+$/.test(pkid)) {
      const earlier = this.#productKeyIds.get(pkid);
      if (earlier === undefined) {
        this.#productKeyIds.set(detach(pkid), row.line);
      } else {
        found ??= csvIssue(
          'csv.duplicate.product_key_id',
          row.line,
          columns.productKeyId,
          `The product key id ${pkid} is also on line ${earlier}.`,
        );
      }
    }
    const rowTuple =
      device.manufacturer === ''
        ? null
        : tuple(device.serialNumber, device.manufacturer, device.model);
    if (rowTuple && !(hashTuple && sameTuple(rowTuple, hashTuple))) {
      const earlier = this.#remember(rowTuple, row.line, null);
      if (earlier) {
        found ??= csvIssue(
          'csv.duplicate.tuple',
          row.line,
          columns.serialNumber,
          `The same device (${describe(rowTuple)}) is also on line ${earlier.line}.`,
        );
      }
    }
    return found;
  }

  /** Stores the tuple unless already seen; returns the earlier sighting when it was. */
  #remember(key: Tuple, line: number, checksum: string | null): Seen | null {
    const seen = this.#bySerial.get(key.serial);
    const entry: Seen = {
      manufacturer: detach(key.manufacturer),
      model: detach(key.model),
      line,
      checksum,
    };
    if (seen === undefined) {
      this.#bySerial.set(detach(key.serial), entry);
      return null;
    }
    const list = Array.isArray(seen) ? seen : [seen];
    const earlier = list.find((s) => s.manufacturer === key.manufacturer && s.model === key.model);
    if (earlier) {
      return earlier;
    }
    this.#bySerial.set(key.serial, [...list, entry]);
    return null;
  }
}

interface Tuple {
  readonly serial: string;
  readonly manufacturer: string;
  readonly model: string;
}

/** A complete tuple with a real serial; placeholders would make every VM "equal". */
function tuple(
  serial: string | null,
  manufacturer: string | null,
  model: string | null,
): Tuple | null {
  const s = serial?.trim() ?? '';
  const m = manufacturer?.trim() ?? '';
  const p = model?.trim() ?? '';
  if (s === '' || m === '' || p === '' || isPlaceholderSerialNumber(s)) {
    return null;
  }
  return { serial: s, manufacturer: m, model: p };
}

/**
 * A copy of `value` that does not keep the text it was cut from alive. Values read from
 * the file are views into a decoded chunk of up to 1 MiB; a remembered key must not pin it,
 * or memory would grow with the file instead of with the number of devices.
 */
function detach(value: string): string {
  // Below 13 characters V8 copies substrings anyway.
  return value.length < 13 ? value : ` ${value}`.slice(1);
}

function sameTuple(a: Tuple, b: Tuple): boolean {
  return a.serial === b.serial && a.manufacturer === b.manufacturer && a.model === b.model;
}

function describe(key: Tuple): string {
  return `serial "${key.serial}", manufacturer "${key.manufacturer}", model "${key.model}"`;
}
