/**
 * The device-list layouts: their canonical column names and order (what `fix` writes),
 * the spellings the reference accepts, and aliases Preflight also reads (with a warning).
 * Sources: API-FACTS §4, CSV-FACTS §2, the corpus headers.
 * @module
 */

/** A layout of device list. */
export type LayoutId = 'intune' | 'partner-center' | 'managed-desktop';

/** What a column holds, whatever the layout calls it. */
export type DeviceField =
  | 'serialNumber'
  | 'productKeyId'
  | 'hardwareHash'
  | 'manufacturer'
  | 'model'
  | 'groupTag'
  | 'assignedUser';

/**
 * `required`: without it the layout cannot work (error). `expected`: the reference's header
 * has it (warning when absent). `optional`: may be left out.
 */
export type ColumnPresence = 'required' | 'expected' | 'optional';

/** One column of a layout. */
export interface LayoutColumn {
  readonly field: DeviceField;
  /** Canonical name, written by `fix` and used in issues. */
  readonly name: string;
  /** Exact spellings the reference accepts; any other case or spacing gets a warning. */
  readonly spellings: readonly string[];
  /** Other names read as this column (normalised, see `normaliseHeader`), with a warning. */
  readonly aliases: readonly string[];
  readonly presence: ColumnPresence;
}

/** A layout: its columns in the reference's order. */
export interface Layout {
  readonly id: LayoutId;
  readonly title: string;
  readonly columns: readonly LayoutColumn[];
  /** Most devices the reference takes in one file, when documented. */
  readonly referenceRowLimit: number | null;
}

const serialAliases = [
  'serial number',
  'serialnumber',
  'device serial number',
  'serial no',
  'serial no.',
];
const pkidAliases = [
  'windows product id',
  'product key id',
  'productkeyid',
  'pkid',
  'windows product key id',
];
const hashAliases = [
  'hardware hash',
  'hardwarehash',
  'hardware id',
  'hardware identifier',
  'device hardware data',
];

/** Intune / Microsoft 365 import: Get-WindowsAutopilotInfo's default output. */
const intune: Layout = {
  id: 'intune',
  title: 'Intune',
  referenceRowLimit: 500,
  columns: [
    {
      field: 'serialNumber',
      name: 'Device Serial Number',
      spellings: ['Device Serial Number'],
      aliases: serialAliases,
      presence: 'expected',
    },
    {
      field: 'productKeyId',
      name: 'Windows Product ID',
      spellings: ['Windows Product ID'],
      aliases: pkidAliases,
      presence: 'expected',
    },
    {
      field: 'hardwareHash',
      name: 'Hardware Hash',
      spellings: ['Hardware Hash'],
      aliases: hashAliases,
      presence: 'required',
    },
    // WindowsAutopilotIntune ≤ 2.6 read "OrderID"; Import-AutopilotCSV still falls back to it.
    {
      field: 'groupTag',
      name: 'Group Tag',
      spellings: ['Group Tag'],
      aliases: ['orderid', 'order id', 'grouptag'],
      presence: 'optional',
    },
    {
      field: 'assignedUser',
      name: 'Assigned User',
      spellings: ['Assigned User'],
      aliases: ['assigneduser', 'assigned user principal name'],
      presence: 'optional',
    },
  ],
};

/**
 * Partner Center. Its sample file spells the header in lower case; Get-WindowsAutopilotInfo
 * -Partner writes "Device Serial Number,Windows Product ID,Hardware Hash": both circulate.
 */
const partnerCenter: Layout = {
  id: 'partner-center',
  title: 'Partner Center',
  referenceRowLimit: 1000,
  columns: [
    {
      field: 'serialNumber',
      name: 'Device serial number',
      spellings: ['Device serial number', 'Device Serial Number'],
      aliases: serialAliases,
      presence: 'expected',
    },
    {
      field: 'productKeyId',
      name: 'Windows product ID',
      spellings: ['Windows product ID', 'Windows Product ID'],
      aliases: pkidAliases,
      presence: 'expected',
    },
    {
      field: 'hardwareHash',
      name: 'Hardware hash',
      spellings: ['Hardware hash', 'Hardware Hash'],
      aliases: hashAliases,
      presence: 'expected',
    },
    {
      field: 'manufacturer',
      name: 'Manufacturer name',
      spellings: ['Manufacturer name', 'Manufacturer Name'],
      aliases: ['manufacturer'],
      presence: 'expected',
    },
    {
      field: 'model',
      name: 'Device model',
      spellings: ['Device model', 'Device Model'],
      aliases: ['model', 'model name'],
      presence: 'expected',
    },
  ],
};

/** Microsoft Managed Desktop self-registration (its two sample files). */
const managedDesktop: Layout = {
  id: 'managed-desktop',
  title: 'Managed Desktop',
  referenceRowLimit: null,
  columns: [
    {
      field: 'manufacturer',
      name: 'Manufacturer',
      spellings: ['Manufacturer'],
      aliases: ['manufacturer name'],
      presence: 'expected',
    },
    {
      field: 'model',
      name: 'Model',
      spellings: ['Model'],
      aliases: ['device model', 'model name'],
      presence: 'expected',
    },
    {
      field: 'serialNumber',
      name: 'Serial Number',
      spellings: ['Serial Number'],
      aliases: serialAliases,
      presence: 'expected',
    },
    {
      field: 'hardwareHash',
      name: 'Hardware Hash',
      spellings: ['Hardware Hash'],
      aliases: hashAliases,
      presence: 'optional',
    },
  ],
};

/** Every layout, in the order ties are broken when a header fits several. */
export const layouts: readonly Layout[] = [intune, partnerCenter, managedDesktop];

/** The layout with this id. */
export function layoutById(id: LayoutId): Layout {
  switch (id) {
    case 'intune':
      return intune;
    case 'partner-center':
      return partnerCenter;
    case 'managed-desktop':
      return managedDesktop;
  }
}

/** Header comparison key: no BOM or zero-width characters, trimmed, single spaces, lower case. */
export function normaliseHeader(name: string): string {
  return name
    .replace(/[\ufeff\u200b]/g, '')
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

/** The column a header cell names in `layout`, and how exactly. */
export function findColumn(
  layout: Layout,
  cell: string,
): { column: LayoutColumn; match: 'exact' | 'spelling' | 'alias' } | null {
  const key = normaliseHeader(cell);
  for (const column of layout.columns) {
    if (column.spellings.includes(cell)) {
      return { column, match: 'exact' };
    }
    if (column.spellings.some((spelling) => normaliseHeader(spelling) === key)) {
      return { column, match: 'spelling' };
    }
  }
  for (const column of layout.columns) {
    if (column.aliases.includes(key)) {
      return { column, match: 'alias' };
    }
  }
  return null;
}

/** How many header cells name a column of some layout (for delimiter detection). */
export function recognisedHeaderCells(cells: string[]): number {
  let count = 0;
  for (const cell of cells) {
    if (layouts.some((layout) => findColumn(layout, cell) !== null)) {
      count++;
    }
  }
  return count;
}

/** The layout `fix` writes by default, and whose identification rules `check` applies. */
export function defaultTarget(layout: LayoutId): 'intune' | 'partner-center' {
  // A Managed Desktop list carries the manufacturer + model + serial tuple, which only the
  // Partner Center layout can hold.
  return layout === 'intune' ? 'intune' : 'partner-center';
}
