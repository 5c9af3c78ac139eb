/**
 * Device name templates: the `%SERIAL%` / `%RAND:x%` pattern a deployment profile names
 * Entra-joined devices with (Graph `deviceNameTemplate`), its checks and its expansion.
 * @module
 */
import { PreflightError } from './errors.js';

function invalid(field: string, message: string, remedy: string): PreflightError {
  return new PreflightError('input.invalid', message, { field }, remedy);
}

/** Windows computer names are NetBIOS names: at most 15 characters (API-FACTS §2.5). */
export const DEVICE_NAME_MAX_LENGTH = 15;

type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'serial' }
  | { readonly kind: 'random'; readonly digits: number };

const TEMPLATE_REMEDY =
  'Use letters, digits and hyphens, %SERIAL% for the serial number and %RAND:x% for x random digits, ' +
  'at most 15 characters once expanded and not only digits, e.g. CONTOSO-%RAND:5%.';

function parseTemplate(template: string, field: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  for (const piece of template.split(/(%[^%]*%?)/)) {
    const random = /^%RAND:(\d+)%$/.exec(piece);
    if (piece === '%SERIAL%') {
      parts.push({ kind: 'serial' });
    } else if (random && Number(random[1]) > 0) {
      parts.push({ kind: 'random', digits: Number(random[1]) });
    } else if (piece.startsWith('%')) {
      throw invalid(
        field,
        `Unknown placeholder "${piece}" in the device name template.`,
        TEMPLATE_REMEDY,
      );
    } else {
      const bad = /[^A-Za-z0-9-]/.exec(piece)?.[0];
      if (bad !== undefined) {
        const what = bad === ' ' ? 'a space' : `"${bad}"`;
        throw invalid(
          field,
          `The device name template "${template}" contains ${what}.`,
          TEMPLATE_REMEDY,
        );
      }
      parts.push({ kind: 'text', text: piece });
    }
  }
  const fixed = parts.reduce(
    (n, p) => n + (p.kind === 'text' ? p.text.length : p.kind === 'random' ? p.digits : 0),
    0,
  );
  const hasSerial = parts.some((p) => p.kind === 'serial');
  if (fixed === 0 && !hasSerial) {
    throw invalid(field, 'The device name template is empty.', TEMPLATE_REMEDY);
  }
  if (fixed > DEVICE_NAME_MAX_LENGTH || (hasSerial && fixed >= DEVICE_NAME_MAX_LENGTH)) {
    const room = hasSerial ? ', leaving no room for the serial number' : '';
    const message = `The device name template "${template}" makes names of ${fixed} characters${room}; Windows allows ${DEVICE_NAME_MAX_LENGTH}.`;
    throw invalid(field, message, TEMPLATE_REMEDY);
  }
  if (!hasSerial && parts.every((p) => p.kind !== 'text' || /^\d*$/.test(p.text))) {
    const message = `The device name template "${template}" makes names of digits only, which Windows refuses.`;
    throw invalid(field, message, TEMPLATE_REMEDY);
  }
  return parts;
}

/** Throws `input.invalid` naming `field` unless `template` follows the reference's rules. */
export function checkDeviceNameTemplate(template: string, field = 'deviceNameTemplate'): void {
  parseTemplate(template, field);
}

/**
 * The name a device would get from `template`. `%SERIAL%` inserts the serial without
 * characters a computer name cannot hold (what Windows does with them is undocumented);
 * `%RAND:x%` inserts x digits drawn from `random` (a `Math.random`-like source). The result
 * is cut to its first 15 characters, as Windows is reported to do (community-observed):
 * a long serial therefore crowds out whatever follows it, random digits included.
 */
export function expandDeviceName(
  template: string,
  source: { readonly serial: string; readonly random: () => number },
): string {
  const parts = parseTemplate(template, 'deviceNameTemplate');
  const serial = source.serial.replace(/[^A-Za-z0-9-]/g, '');
  const digit = (): string =>
    String(Math.min(9, Math.max(0, Math.floor(source.random() * 10) || 0)));
  const name = parts
    .map((p) =>
      p.kind === 'text'
        ? p.text
        : p.kind === 'serial'
          ? serial
          : Array.from({ length: p.digits }, digit).join(''),
    )
    .join('')
    .slice(0, DEVICE_NAME_MAX_LENGTH);
  if (/^\d*$/.test(name)) {
    const message = `The device name would be "${name}", ${name ? 'only digits' : 'empty'}, which Windows refuses (serial "${source.serial}").`;
    throw invalid('deviceNameTemplate', message, 'Add letters to the template, e.g. PC-%SERIAL%.');
  }
  return name;
}
