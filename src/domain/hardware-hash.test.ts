import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  buildHardwareHash,
  decodeHardwareHash,
  hardwareHashDigest,
  hashPreview,
  type HardwareHashFailure,
  type HardwareHashResult,
} from './hardware-hash.js';

// Real hashes are read where they are (no licence to copy them into this repository).
const hashDir = fileURLToPath(new URL('../../../shared/corpus/hashes/', import.meta.url));
const corpus = readdirSync(hashDir)
  .filter((name) => name.endsWith('.txt'))
  .map((name) => ({ name, text: readFileSync(hashDir + name, 'utf8') }));
const shortSample = 'mmd-sample-self-manufacturer-model-serial-hash-short-hash.txt';

function corpusHash(prefix: string): string {
  const found = corpus.find((c) => c.name.startsWith(prefix));
  if (!found) {
    throw new Error(`corpus hash ${prefix} missing`);
  }
  return found.text;
}

function expectFailure(result: HardwareHashResult): HardwareHashFailure {
  if (result.ok) {
    throw new Error('expected the hash to be refused');
  }
  return result;
}

/** Re-encodes a hash after `edit` changed its bytes. */
function edited(text: string, edit: (bytes: Buffer) => void): string {
  const bytes = Buffer.from(text, 'base64');
  edit(bytes);
  return bytes.toString('base64');
}

const sample = buildHardwareHash({
  serialNumber: 'PF5NRH33',
  manufacturer: 'LENOVO',
  model: '21G2001VUS',
});

describe(decodeHardwareHash.name, () => {
  it('accepts every complete real hash of the corpus and refuses the truncated Microsoft sample', () => {
    expect(corpus.length).toBe(14);
    for (const { name, text } of corpus) {
      const result = decodeHardwareHash(text);
      if (name === shortSample) {
        expect(expectFailure(result).check).toBe('truncated');
        expect(expectFailure(result).message).toMatch(/1 byte missing/);
      } else {
        expect(result.ok, name).toBe(true);
      }
    }
  });

  it('reads serial, manufacturer, model, product key id and harvest time from a real hash', () => {
    const result = decodeHardwareHash(corpusHash('intune-3col-utf16le-bom-hp-elitebook-840-g8'));
    expect(result).toMatchObject({
      ok: true,
      byteLength: 3000,
      usedLength: 1159,
      serialNumber: '5CG1457YL8',
      manufacturer: 'HP',
      model: 'HP EliteBook 840 G8 Notebook PC',
      productKeyId: '3305404496774',
      architecture: 'x64',
      osBuild: '10.0.26200.7840',
      repadded: false,
    });
    // The harvest time falls just before the commit that added the file (2026-02-26).
    expect(result.ok && result.harvestedAt?.toISOString()).toBe('2026-02-26T19:21:02.000Z');
  });

  it('shows the SMBIOS placeholder of a VM without serial, and ARM64 on Apple-silicon VMware', () => {
    expect(
      decodeHardwareHash(corpusHash('intune-3col-utf16le-bom-empty-serial-qemu-vm-a')),
    ).toMatchObject({
      serialNumber: 'SMBIOS_STRING_INDEX_0',
      manufacturer: 'QEMU',
    });
    expect(decodeHardwareHash(corpusHash('intune-4col-grouptag'))).toMatchObject({
      serialNumber: 'F98059756E444D56',
      manufacturer: 'VMware, Inc.',
      architecture: 'arm64',
    });
  });

  it('leaves the hash text out of its JSON form, so logging a decoded hash leaks no MAC or TPM key', () => {
    const result = decodeHardwareHash(sample);
    const json = JSON.stringify(result);
    expect(json).not.toContain(sample.slice(0, 40));
    expect(JSON.parse(json)).toMatchObject({
      serialNumber: 'PF5NRH33',
      digest: result.ok ? result.digest : '',
    });
  });

  it('exposes the checksum the hash carries, equal for texts that differ only in padding', () => {
    const bytes = Buffer.from(sample, 'base64');
    const used = bytes.readUInt16LE(2);
    const shorter = bytes.subarray(0, used + 36 + 3).toString('base64');
    const a = decodeHardwareHash(sample);
    const b = decodeHardwareHash(shorter);
    expect(a.ok && b.ok && a.checksum === b.checksum).toBe(true);
    expect(a.ok && a.checksum).toBe(bytes.toString('hex', used + 4, used + 36));
    expect(a.ok && b.ok && a.digest !== b.digest).toBe(true);
  });

  it('keys a hash by the SHA-256 of its decoded bytes, so two harvests of one device differ', () => {
    const text = corpusHash('intune-3col-ascii-crlf-2rows-no-final-newline-hyperv-row1');
    const result = decodeHardwareHash(text);
    const expected = createHash('sha256').update(Buffer.from(text, 'base64')).digest('hex');
    expect(result.ok && result.digest).toBe(expected);
    expect(hardwareHashDigest(Buffer.from(text, 'base64'))).toBe(expected);
    const later = buildHardwareHash({
      serialNumber: 'A1',
      manufacturer: 'M',
      model: 'X',
      harvestedAt: new Date('2026-01-02'),
    });
    const earlier = buildHardwareHash({
      serialNumber: 'A1',
      manufacturer: 'M',
      model: 'X',
      harvestedAt: new Date('2026-01-01'),
    });
    const a = decodeHardwareHash(later);
    const b = decodeHardwareHash(earlier);
    expect(a.ok && b.ok && a.digest !== b.digest).toBe(true);
    expect(a.ok && b.ok && a.serialNumber === b.serialNumber).toBe(true);
  });

  it('refuses empty text', () => {
    expect(expectFailure(decodeHardwareHash('')).check).toBe('empty');
  });

  it.each([
    [
      'a line break a mail client inserted',
      (t: string) => `${t.slice(0, 76)}\r\n${t.slice(76)}`,
      'whitespace',
      76,
    ],
    ['a space', (t: string) => `${t.slice(0, 10)} ${t.slice(10)}`, 'whitespace', 10],
    [
      'the URL-safe alphabet',
      (t: string) => t.replace(/\+/g, '-').replace(/\//g, '_'),
      'url-safe',
      undefined,
    ],
    ['a stray character', (t: string) => `${t.slice(0, 100)}*${t.slice(101)}`, 'character', 100],
    ['an "=" in the middle', (t: string) => `${t.slice(0, 100)}=${t.slice(101)}`, 'padding', 100],
    ['a length of 4n+1', (t: string) => `${t}A`, 'length', 4000],
  ])('refuses base64 with %s, saying where', (_label, damage, problem, position) => {
    const failure = expectFailure(decodeHardwareHash(damage(sample)));
    expect(failure.check).toBe('base64');
    expect(failure.base64Problem).toBe(problem);
    if (position !== undefined) {
      expect(failure.position).toBe(position);
      if (problem !== 'length') {
        expect(failure.message).toContain(`character ${position + 1}`);
      }
    }
  });

  it('accepts unpadded base64 (as devices emit it) and returns the padded text', () => {
    // An old-style hash not padded to 3000 bytes: 1454 bytes need one "=".
    const bytes = Buffer.from(sample, 'base64').subarray(0, 1454);
    const padded = bytes.toString('base64');
    expect(padded.endsWith('=')).toBe(true);
    const unpadded = padded.replace(/=+$/, '');
    const result = decodeHardwareHash(unpadded);
    expect(result).toMatchObject({ ok: true, repadded: true, text: padded });
  });

  it('says a hash that was base64-encoded twice is encoded twice', () => {
    const twice = Buffer.from(sample, 'latin1').toString('base64');
    const failure = expectFailure(decodeHardwareHash(twice));
    expect(failure).toMatchObject({ check: 'signature', doubleEncoded: true });
    expect(failure.message).toMatch(/twice/);
  });

  it('refuses base64 that does not decode to the OA structure', () => {
    expect(expectFailure(decodeHardwareHash('QUJDRA==')).check).toBe('signature');
  });

  it('refuses a length field smaller than the header', () => {
    const damaged = edited(sample, (b) => b.writeUInt16LE(2, 2));
    expect(expectFailure(decodeHardwareHash(damaged)).check).toBe('length');
  });

  it('refuses a hash cut short, counting the missing bytes', () => {
    const used = Buffer.from(sample, 'base64').readUInt16LE(2);
    const cut = Buffer.from(sample, 'base64')
      .subarray(0, used + 30)
      .toString('base64');
    const failure = expectFailure(decodeHardwareHash(cut));
    expect(failure.check).toBe('truncated');
    expect(failure.message).toMatch(/6 bytes missing/);
  });

  it('refuses records that do not tile the area', () => {
    // The first record (type 1) is 28 bytes long; claim 27.
    const damaged = edited(sample, (b) => b.writeUInt16LE(27, 6));
    expect(expectFailure(decodeHardwareHash(damaged)).check).toBe('records');
  });

  it('refuses a hash without its CS trailer', () => {
    const damaged = edited(sample, (b) => b.write('XX', b.readUInt16LE(2), 'latin1'));
    expect(expectFailure(decodeHardwareHash(damaged)).check).toBe('trailer');
  });

  it('refuses a hash edited after harvesting (checksum)', () => {
    const damaged = edited(sample, (b) => {
      const at = b.indexOf('PF5NRH33', 0, 'latin1');
      b.write('PF5NRH34', at, 'latin1');
    });
    expect(expectFailure(decodeHardwareHash(damaged)).check).toBe('checksum');
  });

  it('never quotes more than a short prefix of the hash in a message', () => {
    const damages = [
      `${sample.slice(0, 50)} ${sample.slice(50)}`,
      sample.replace(/\+/g, '-'),
      edited(sample, (b) => b.write('XX', b.readUInt16LE(2), 'latin1')),
      sample.slice(0, 400),
    ];
    for (const text of damages) {
      const failure = expectFailure(decodeHardwareHash(text));
      expect(failure.message).not.toContain(sample.slice(0, 12));
    }
    expect(hashPreview(sample)).toBe(`${sample.slice(0, 8)}… (4000 characters)`);
  });
});

describe(buildHardwareHash.name, () => {
  it('builds a 4000-character hash that decodes to the values it was given', () => {
    const text = buildHardwareHash({
      serialNumber: 'SN-0001',
      manufacturer: 'Contoso',
      model: 'Laptop 13',
      productKeyId: '3305404496774',
      smbiosUuid: '00112233-4455-6677-8899-aabbccddeeff',
      harvestedAt: new Date('2026-03-01T12:00:00Z'),
      architecture: 'arm64',
    });
    expect(text).toHaveLength(4000);
    expect(text.startsWith('T0')).toBe(true);
    expect(decodeHardwareHash(text)).toMatchObject({
      ok: true,
      serialNumber: 'SN-0001',
      manufacturer: 'Contoso',
      model: 'Laptop 13',
      productKeyId: '3305404496774',
      smbiosUuid: '00112233-4455-6677-8899-aabbccddeeff',
      harvestedAt: new Date('2026-03-01T12:00:00Z'),
      architecture: 'arm64',
    });
  });

  it('is deterministic, and the seed varies the device-specific bytes', () => {
    const spec = { serialNumber: 'A', manufacturer: 'B', model: 'C' };
    expect(buildHardwareHash(spec)).toBe(buildHardwareHash(spec));
    expect(buildHardwareHash({ ...spec, seed: '1' })).not.toBe(buildHardwareHash(spec));
  });

  it('keeps non-ASCII values as UTF-8', () => {
    const result = decodeHardwareHash(
      buildHardwareHash({ serialNumber: 'Ü1', manufacturer: 'Müller', model: 'Straße' }),
    );
    expect(result).toMatchObject({
      ok: true,
      serialNumber: 'Ü1',
      manufacturer: 'Müller',
      model: 'Straße',
    });
  });
});
