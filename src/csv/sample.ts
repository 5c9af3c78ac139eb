/**
 * Sample device lists, one per layout, as offered next to "Add devices". Every sample
 * passes `checkCsv` without an issue. The hashes are synthetic (valid structure, fictitious
 * Contoso devices): they show the format and must not be registered.
 * @module
 */
import { buildHardwareHash } from '../domain/hardware-hash.js';
import { formatCsvLine } from './format-row.js';
import { layoutById, type DeviceField, type LayoutId } from './layouts.js';

const MANUFACTURER = 'Contoso';
const MODEL = 'Contoso Laptop 7';
const HARVESTED = new Date(Date.UTC(2025, 5, 2, 9, 30));

function device(serialNumber: string): string {
  return buildHardwareHash({
    serialNumber,
    manufacturer: MANUFACTURER,
    model: MODEL,
    harvestedAt: HARVESTED,
    seed: 'sample',
  });
}

type Row = Partial<Record<DeviceField, string>>;

/** What each sample shows: the identifier combinations the layout allows. */
function rows(layout: LayoutId): Row[] {
  switch (layout) {
    case 'intune':
      return [
        { serialNumber: 'CTS-0001', hardwareHash: device('CTS-0001'), groupTag: 'Sales' },
        {
          serialNumber: 'CTS-0002',
          hardwareHash: device('CTS-0002'),
          groupTag: 'Sales',
          assignedUser: 'ada@contoso.com',
        },
      ];
    case 'partner-center':
      return [
        { serialNumber: 'CTS-0001', hardwareHash: device('CTS-0001') },
        { serialNumber: 'CTS-0002', manufacturer: MANUFACTURER, model: MODEL },
        { productKeyId: '3300000000013' },
      ];
    case 'managed-desktop':
      return [
        {
          manufacturer: MANUFACTURER,
          model: MODEL,
          serialNumber: 'CTS-0001',
          hardwareHash: device('CTS-0001'),
        },
        { manufacturer: MANUFACTURER, model: MODEL, serialNumber: 'CTS-0002' },
      ];
  }
}

/** A sample file for `layout`: UTF-8, CRLF, the layout's exact header. */
export function sampleCsv(layout: LayoutId = 'intune'): string {
  const columns = layoutById(layout).columns;
  const lines = [
    columns.map((column) => column.name).join(','),
    ...rows(layout).map((row) => formatCsvLine(columns.map((column) => row[column.field] ?? ''))),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
