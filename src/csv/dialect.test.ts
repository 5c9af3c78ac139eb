import { describe, expect, it } from 'vitest';
import { detectDialect } from './dialect.js';
import { recognisedHeaderCells } from './layouts.js';

const detect = (text: string) => detectDialect(text, recognisedHeaderCells);

describe(detectDialect.name, () => {
  it('detects comma, semicolon and tab by which makes the header recognisable', () => {
    expect(detect('Device Serial Number,Windows Product ID,Hardware Hash\r\n')).toEqual({
      delimiter: ',',
      newline: '\n',
      sepLine: false,
    });
    expect(detect('Device Serial Number;Windows Product ID;Hardware Hash\n').delimiter).toBe(';');
    expect(detect('Device Serial Number\tWindows Product ID\tHardware Hash\n').delimiter).toBe(
      '\t',
    );
  });

  it('is not fooled by a semicolon inside a comma-separated header', () => {
    expect(
      detect('Device Serial Number,Windows Product ID,Hardware Hash,Notes; misc\n').delimiter,
    ).toBe(',');
  });

  it("honours and skips Excel's sep= line", () => {
    expect(detect('sep=;\r\nDevice Serial Number;Hardware Hash\r\n')).toEqual({
      delimiter: ';',
      newline: '\n',
      sepLine: true,
    });
  });

  it('recognises CR-only line endings and falls back to commas for unknown headers', () => {
    expect(detect('a;b;c\rd;e;f\r')).toEqual({ delimiter: ';', newline: '\r', sepLine: false });
    expect(detect('name,colour\n').delimiter).toBe(',');
    expect(detect('').delimiter).toBe(',');
  });
});
