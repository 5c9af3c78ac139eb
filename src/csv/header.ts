/**
 * Reading the header line: which layout it is, which column each field position holds,
 * and what the reference would object to (spelling, order, missing or doubled columns).
 * Columns are identified by name, case- and space-insensitively, so a reordered file is
 * read correctly.
 * @module
 */
import { csvIssue, type CsvIssue } from './diagnostics.js';
import {
  findColumn,
  layouts,
  normaliseHeader,
  type DeviceField,
  type Layout,
  type LayoutColumn,
} from './layouts.js';

/** The header line, bound to a layout. */
export interface HeaderBinding {
  readonly layout: Layout;
  /** Line of the header (1 unless something precedes it). */
  readonly line: number;
  /** The header cells as written. */
  readonly cells: readonly string[];
  /** Per field position: the layout column read there, or null (unknown or doubled). */
  readonly columns: readonly (LayoutColumn | null)[];
  /** Positions of cells that name no column of the layout. */
  readonly unknown: readonly number[];
  /** Where each bound field is. */
  readonly positions: Readonly<Partial<Record<DeviceField, number>>>;
  /** Canonical column name of each field in this layout (null when the layout has none). */
  readonly names: Readonly<Record<DeviceField, string | null>>;
  /** The bound fields with their positions, in field order (for per-row loops). */
  readonly bound: readonly { readonly field: DeviceField; readonly position: number }[];
  /** What is wrong with the header itself. */
  readonly issues: readonly CsvIssue[];
}

/** Binds header cells to the best-fitting layout; null when no cell names a known column. */
export function bindHeader(cells: readonly string[], line: number): HeaderBinding | null {
  const layout = bestLayout(cells);
  if (!layout) {
    return null;
  }
  const issues: CsvIssue[] = [];
  const columns: (LayoutColumn | null)[] = [];
  const unknown: number[] = [];
  const positions: Partial<Record<DeviceField, number>> = {};
  cells.forEach((cell, index) => {
    const found = findColumn(layout, cell);
    if (!found) {
      columns.push(null);
      unknown.push(index);
      return;
    }
    const { column, match } = found;
    const earlier = positions[column.field];
    if (earlier !== undefined) {
      columns.push(null);
      issues.push(
        csvIssue(
          'csv.header.duplicate_column',
          line,
          column.name,
          `Column "${column.name}" appears twice in the header (fields ${earlier + 1} and ${index + 1}); field ${index + 1} is ignored.`,
        ),
      );
      return;
    }
    columns.push(column);
    positions[column.field] = index;
    if (match !== 'exact') {
      issues.push(spellingIssue(layout, column, cell, match, line));
    }
  });
  issues.push(...orderIssues(layout, columns, line), ...missingIssues(layout, positions, line));
  const name = (field: DeviceField) =>
    layout.columns.find((column) => column.field === field)?.name ?? null;
  const names: Record<DeviceField, string | null> = {
    serialNumber: name('serialNumber'),
    productKeyId: name('productKeyId'),
    hardwareHash: name('hardwareHash'),
    manufacturer: name('manufacturer'),
    model: name('model'),
    groupTag: name('groupTag'),
    assignedUser: name('assignedUser'),
  };
  const order: DeviceField[] = [
    'serialNumber',
    'productKeyId',
    'hardwareHash',
    'manufacturer',
    'model',
    'groupTag',
    'assignedUser',
  ];
  const bound = order.flatMap((field) => {
    const position = positions[field];
    return position === undefined ? [] : [{ field, position }];
  });
  return { layout, line, cells, columns, unknown, positions, names, bound, issues };
}

/** Most columns recognised wins, then most recognised by name rather than alias, then list order. */
function bestLayout(cells: readonly string[]): Layout | null {
  let best: { layout: Layout; found: number; named: number } | null = null;
  for (const layout of layouts) {
    const seen = new Set<DeviceField>();
    let named = 0;
    for (const cell of cells) {
      const found = findColumn(layout, cell);
      if (found && !seen.has(found.column.field)) {
        seen.add(found.column.field);
        named += found.match === 'alias' ? 0 : 1;
      }
    }
    if (
      seen.size > 0 &&
      (!best || seen.size > best.found || (seen.size === best.found && named > best.named))
    ) {
      best = { layout, found: seen.size, named };
    }
  }
  return best?.layout ?? null;
}

function spellingIssue(
  layout: Layout,
  column: LayoutColumn,
  cell: string,
  match: 'spelling' | 'alias',
  line: number,
): CsvIssue {
  const shown = cell.replace(/\ufeff/g, '');
  const why =
    match === 'alias'
      ? `the ${layout.title} layout names this column "${column.name}"`
      : shown !== cell
        ? 'a byte-order mark is stuck to it'
        : `the reference's headers are case-sensitive and spelled "${column.spellings.join('" or "')}"`;
  return csvIssue(
    'csv.header.spelling',
    line,
    column.name,
    `Header "${shown}" is read as "${column.name}", but ${why}.`,
  );
}

function orderIssues(
  layout: Layout,
  columns: readonly (LayoutColumn | null)[],
  line: number,
): CsvIssue[] {
  const bound = columns.filter((column): column is LayoutColumn => column !== null);
  const rank = (column: LayoutColumn) => layout.columns.indexOf(column);
  const inOrder = bound.every(
    (column, i) => i === 0 || rank(bound[i - 1] as LayoutColumn) < rank(column),
  );
  if (inOrder) {
    return [];
  }
  const expected = [...bound].sort((a, b) => rank(a) - rank(b));
  return [
    csvIssue(
      'csv.header.order',
      line,
      null,
      `The columns are in the order ${bound.map((c) => c.name).join(', ')}; the reference expects ${expected
        .map((c) => c.name)
        .join(', ')} and would reject this file. Preflight reads the columns by name.`,
    ),
  ];
}

function missingIssues(
  layout: Layout,
  positions: Partial<Record<DeviceField, number>>,
  line: number,
): CsvIssue[] {
  const issues: CsvIssue[] = [];
  for (const column of layout.columns) {
    if (positions[column.field] !== undefined) {
      continue;
    }
    if (column.presence === 'required') {
      issues.push(
        csvIssue(
          'csv.header.missing_required_column',
          line,
          column.name,
          `The header has no "${column.name}" column; the ${layout.title} layout needs it for every device.`,
        ),
      );
    } else if (
      column.presence === 'expected' ||
      // The reference's header is a prefix of the full one: Assigned User comes after Group Tag.
      (column.field === 'groupTag' && positions.assignedUser !== undefined)
    ) {
      issues.push(
        csvIssue(
          'csv.header.missing_column',
          line,
          column.name,
          `The header has no "${column.name}" column, which the ${layout.title} layout's header has; its values are taken as empty.`,
        ),
      );
    }
  }
  return issues;
}

/**
 * Column names of the Intune/Graph Autopilot *device export* (CSV-FACTS §2, corpus
 * `wrong-file-…`), normalised. Two or more of them mean the user picked the wrong file.
 */
const EXPORT_COLUMNS = new Set([
  'displayname',
  'enrolmentstate',
  'enrollmentstate',
  'enrolmentprofile',
  'enrollmentprofile',
  'enrolmenttype',
  'enrollmenttype',
  'deploymentprofileassignmentstatus',
  'lastcontacteddatetime',
  'azureactivedirectorydeviceid',
  'azureaddeviceid',
  'manageddeviceid',
  'intunedeviceid',
  'purchaseorderidentifier',
  'id',
]);

/** True when the header is an Autopilot devices export rather than an import list. */
export function looksLikeDeviceExport(cells: readonly string[]): boolean {
  return (
    cells.filter((cell) => EXPORT_COLUMNS.has(normaliseHeader(cell).replace(/ /g, ''))).length >= 2
  );
}

/** How to name a header cell in messages, including unnamed ones. */
export function describeHeaderCell(cells: readonly string[], index: number): string {
  const name = (cells[index] ?? '').trim();
  return name ? `"${name}" (field ${index + 1})` : `an unnamed column (field ${index + 1})`;
}
