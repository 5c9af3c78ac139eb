import { describe, expect, it } from 'vitest';
import { bindHeader, looksLikeDeviceExport } from './header.js';

const codes = (cells: string[]) => bindHeader(cells, 1)?.issues.map((issue) => issue.code) ?? null;

describe(bindHeader.name, () => {
  it('recognises the three layouts from their reference headers, without issues', () => {
    expect(
      bindHeader(['Device Serial Number', 'Windows Product ID', 'Hardware Hash'], 1)?.layout.id,
    ).toBe('intune');
    expect(
      bindHeader(
        [
          'Device Serial Number',
          'Windows Product ID',
          'Hardware Hash',
          'Group Tag',
          'Assigned User',
        ],
        1,
      )?.issues,
    ).toEqual([]);
    const partner = bindHeader(
      [
        'Device serial number',
        'Windows product ID',
        'Hardware hash',
        'Manufacturer name',
        'Device model',
      ],
      1,
    );
    expect(partner?.layout.id).toBe('partner-center');
    expect(partner?.issues).toEqual([]);
    // Get-WindowsAutopilotInfo -Partner writes the capitalised spelling: also accepted silently.
    expect(
      codes([
        'Device Serial Number',
        'Windows Product ID',
        'Hardware Hash',
        'Manufacturer name',
        'Device model',
      ]),
    ).toEqual([]);
    expect(bindHeader(['Manufacturer', 'Model', 'Serial Number'], 1)?.layout.id).toBe(
      'managed-desktop',
    );
  });

  it('matches names regardless of case and surrounding spaces, with a warning for Intune', () => {
    const binding = bindHeader(
      [' device serial number ', 'WINDOWS PRODUCT ID', 'Hardware  Hash'],
      1,
    );
    expect(binding?.layout.id).toBe('intune');
    expect(binding?.positions).toEqual({ serialNumber: 0, productKeyId: 1, hardwareHash: 2 });
    expect(binding?.issues.map((i) => [i.code, i.column])).toEqual([
      ['csv.header.spelling', 'Device Serial Number'],
      ['csv.header.spelling', 'Windows Product ID'],
      ['csv.header.spelling', 'Hardware Hash'],
    ]);
  });

  it('reads the legacy OrderID column as Group Tag', () => {
    const binding = bindHeader(
      ['Device Serial Number', 'Windows Product ID', 'Hardware Hash', 'OrderID'],
      1,
    );
    expect(binding?.positions.groupTag).toBe(3);
    expect(binding?.issues[0]?.message).toContain('"OrderID" is read as "Group Tag"');
  });

  it('reads columns in another order by name, warning that the reference would reject it', () => {
    const binding = bindHeader(['Serial Number', 'Model', 'Manufacturer'], 1);
    expect(binding?.layout.id).toBe('managed-desktop');
    expect(binding?.positions).toEqual({ serialNumber: 0, model: 1, manufacturer: 2 });
    expect(binding?.issues.map((i) => i.code)).toEqual(['csv.header.order']);
    expect(binding?.issues[0]?.message).toContain(
      'the reference expects Manufacturer, Model, Serial Number',
    );
  });

  it('flags a BOM glued to the first name', () => {
    expect(
      bindHeader(['\ufeffDevice Serial Number', 'Windows Product ID', 'Hardware Hash'], 1)
        ?.issues[0]?.message,
    ).toContain('byte-order mark');
  });

  it('lists unknown cells and missing columns', () => {
    const binding = bindHeader(['Device Serial Number', 'Hardware Hash', 'Notes', ''], 1);
    expect(binding?.unknown).toEqual([2, 3]);
    expect(binding?.issues.map((i) => [i.code, i.column])).toEqual([
      ['csv.header.missing_column', 'Windows Product ID'],
    ]);
    expect(
      codes(['Device Serial Number', 'Windows Product ID', 'Hardware Hash', 'Assigned User']),
    ).toEqual(['csv.header.missing_column']);
  });

  it('returns null when no cell names a known column', () => {
    expect(bindHeader(['Name', 'Colour'], 1)).toBeNull();
    expect(bindHeader(['PF5NRH33', '', 'T0FOBAEAHAAAAAoA'], 1)).toBeNull();
  });
});

describe(looksLikeDeviceExport.name, () => {
  it('recognises the Intune Autopilot devices export', () => {
    expect(
      looksLikeDeviceExport([
        'displayName',
        'serialNumber',
        'manufacturer',
        'model',
        'enrolmentState',
        'Id',
      ]),
    ).toBe(true);
    expect(
      looksLikeDeviceExport(['Device Serial Number', 'Windows Product ID', 'Hardware Hash']),
    ).toBe(false);
  });
});
