import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkDeviceNameTemplate,
  DEVICE_NAME_MAX_LENGTH,
  expandDeviceName,
} from './device-name-template.js';
import { refusal } from '../../test/kit/refusal.js';

describe(checkDeviceNameTemplate.name, () => {
  it('accepts the documented forms', () => {
    for (const template of [
      'CONTOSO-%SERIAL%',
      '%SERIAL%',
      'PC-%RAND:6%',
      'AB%RAND:13%',
      'LAB-01',
    ]) {
      expect(() => checkDeviceNameTemplate(template)).not.toThrow();
    }
  });

  it.each([
    ['SALES PC', 'contains a space'],
    ['SALES_PC', 'contains "_"'],
    ['PC-%serial%', 'Unknown placeholder "%serial%"'],
    ['PC-%RAND:0%', 'Unknown placeholder "%RAND:0%"'],
    ['PC-%RAND', 'Unknown placeholder "%RAND"'],
    ['CONTOSO-LAPTOP-01', 'names of 17 characters'],
    ['PC-%RAND:13%', 'names of 16 characters'],
    ['CONTOSO-LAPTOP-%SERIAL%', 'leaving no room for the serial number'],
    ['%RAND:8%', 'digits only'],
    ['2024%RAND:4%', 'digits only'],
  ])('refuses %s (%s)', (template, why) => {
    const error = refusal(() => checkDeviceNameTemplate(template));
    expect(error.message).toContain(why);
    expect(error.details).toEqual({ field: 'deviceNameTemplate' });
    expect(error.remedy).toContain('%SERIAL%');
  });
});

describe(expandDeviceName.name, () => {
  const fixedRandom = () => 0.42;

  it('inserts the serial and random digits', () => {
    expect(expandDeviceName('PC-%SERIAL%', { serial: 'PF5NRH33', random: fixedRandom })).toBe(
      'PC-PF5NRH33',
    );
    expect(expandDeviceName('PC-%RAND:4%', { serial: 'x', random: fixedRandom })).toBe('PC-4444');
  });

  it('keeps the first 15 characters, as Windows does with a long serial', () => {
    const name = expandDeviceName('CONTOSO-%SERIAL%', {
      serial: '016520771357',
      random: fixedRandom,
    });
    expect(name).toBe('CONTOSO-0165207');
  });

  it('drops characters a computer name cannot hold from the serial', () => {
    const serial = 'VMware-56 4d 8d';
    expect(expandDeviceName('%SERIAL%', { serial, random: fixedRandom })).toBe('VMware-564d8d');
  });

  it('refuses a name made of digits only', () => {
    const error = refusal(() =>
      expandDeviceName('%SERIAL%', { serial: '016520771357', random: fixedRandom }),
    );
    expect(error.message).toContain('only digits');
    expect(error.details).toEqual({ field: 'deviceNameTemplate' });
  });

  it('always yields a valid name for a valid template', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('PC-%SERIAL%', 'A%RAND:14%', 'CONTOSO-%RAND:3%-%SERIAL%', 'X%SERIAL%'),
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (template, serial, r) => {
          const name = expandDeviceName(template, { serial, random: () => r });
          expect(name.length).toBeLessThanOrEqual(DEVICE_NAME_MAX_LENGTH);
          expect(name).toMatch(/^[A-Za-z0-9-]+$/);
          expect(name).not.toMatch(/^\d+$/);
        },
      ),
    );
  });
});
