import { buildHardwareHash } from '../../src/domain/hardware-hash.js';
import type { DeviceFields } from '../../src/services/registration/prepare-fields.js';

/** A synthetic device with a valid structured 4K hash; `n` makes it unique. */
export function syntheticDevice(n: number, overrides: Partial<DeviceFields> = {}): DeviceFields {
  const serialNumber = `SN${String(n).padStart(8, '0')}`;
  return {
    serialNumber,
    hardwareHash: buildHardwareHash({
      serialNumber,
      manufacturer: 'Contoso Devices',
      model: 'Laptop 7',
    }),
    ...overrides,
  };
}

/** An Intune-layout CSV (UTF-8, CRLF) of the given devices. */
export function intuneCsv(
  devices: readonly DeviceFields[],
  options: { groupTag?: boolean } = {},
): string {
  const header = [
    'Device Serial Number',
    'Windows Product ID',
    'Hardware Hash',
    ...(options.groupTag ? ['Group Tag'] : []),
  ];
  const lines = devices.map((d) =>
    [
      d.serialNumber ?? '',
      d.productKeyId ?? '',
      d.hardwareHash ?? '',
      ...(options.groupTag ? [d.groupTag ?? ''] : []),
    ].join(','),
  );
  return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
}
