/**
 * Where a row's values are, for locating issues: the line each field starts on and its
 * canonical column name. Worked out only when an issue is reported, so clean rows pay
 * nothing for it.
 * @module
 */
import type { HeaderBinding } from './header.js';
import type { DeviceField } from './layouts.js';
import { fieldLine, type RawRow } from './tokenizer.js';

/** Locates a row's fields. */
export class RowPlace {
  readonly #row: RawRow;
  readonly #binding: HeaderBinding;

  constructor(row: RawRow, binding: HeaderBinding) {
    this.#row = row;
    this.#binding = binding;
  }

  /** Line the field starts on; the row's first line when the file has no such column. */
  line(field: DeviceField): number {
    const position = this.#binding.positions[field];
    return position === undefined ? this.#row.line : fieldLine(this.#row, position);
  }

  /** Canonical column name of the field in the file's layout, or null. */
  column(field: DeviceField): string | null {
    return this.#binding.names[field];
  }
}
