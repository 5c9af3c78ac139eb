import { describe, expect, it } from 'vitest';
import {
  checkSerialNumber,
  isPlaceholderSerialNumber,
  lostLeadingZeros,
  SERIAL_NUMBER_MAX_LENGTH,
} from './serial-number.js';

describe(isPlaceholderSerialNumber.name, () => {
  it.each([
    'Default string',
    'To be filled by O.E.M.',
    'TO BE FILLED BY O.E.M.',
    'System Serial Number',
    '0',
    '000000000000',
    '123456789',
    'None',
    'N/A',
    'Not Applicable',
    'SMBIOS_STRING_INDEX_0',
    'SMBIOS_STRING_INDEX_3',
    'FFFFFFFF',
    '  Default string  ',
  ])('flags the firmware default %j', (value) => {
    expect(isPlaceholderSerialNumber(value)).toBe(true);
  });

  it.each([
    'PF5NRH33',
    '5CG1457YL8',
    '016520771357',
    '4895-7167-4584-3623-0974-4308-48',
    'VMware-56 4d 8d 37 93 fe f5 0e-88 0c 3d 23 2b a1 5a 41',
    'F98059756E444D56',
    'R9-ZNP67',
    '000',
  ])('accepts the real serial shape %j', (value) => {
    expect(isPlaceholderSerialNumber(value)).toBe(false);
    expect(checkSerialNumber(value)).toEqual([]);
  });
});

describe(checkSerialNumber.name, () => {
  it('detects a numeric serial that Excel saved in scientific notation', () => {
    expect(checkSerialNumber('1.65208E+10')).toEqual(['excel_scientific']);
    expect(checkSerialNumber('1E+11')).toEqual(['excel_scientific']);
  });

  it('warns about dots, which once failed whole Intune uploads', () => {
    expect(checkSerialNumber('ABC.123')).toEqual(['dot']);
  });

  it('reports placeholders rather than dots for "To be filled by O.E.M."', () => {
    expect(checkSerialNumber('To be filled by O.E.M.')).toEqual(['placeholder']);
  });

  it('refuses a value far longer than any serial (a hash in the wrong column)', () => {
    expect(checkSerialNumber('A'.repeat(SERIAL_NUMBER_MAX_LENGTH))).toEqual(['placeholder']);
    expect(checkSerialNumber('AB'.repeat(SERIAL_NUMBER_MAX_LENGTH))).toContain('too_long');
  });

  it('flags non-ASCII characters, which SMBIOS serials never hold', () => {
    expect(checkSerialNumber('ABCÄ12')).toEqual(['non_ascii']);
  });
});

describe(lostLeadingZeros.name, () => {
  it('recognises a Surface serial that lost its leading zero in Excel', () => {
    expect(lostLeadingZeros('16520771357', '016520771357')).toBe(true);
    expect(lostLeadingZeros('016520771357', '016520771357')).toBe(false);
    expect(lostLeadingZeros('6520771357', '016520771357')).toBe(false);
  });
});
