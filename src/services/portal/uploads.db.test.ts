import fs from 'node:fs';
import Papa from 'papaparse';
import { expect, it } from 'vitest';
import { drainBatches } from '../../../test/kit/api.js';
import { forEachDialect } from '../../../test/kit/databases.js';
import { intuneCsv, syntheticDevice } from '../../../test/kit/devices.js';
import { consentedPair, register } from '../../../test/kit/registration.js';
import { buildDeps, userActor } from '../../../test/kit/services.js';
import type { ServiceDeps } from '../deps.js';
import { getBatchRows } from '../registration/register.js';
import { revokeRelationship } from '../relationships.js';
import { batchResultsCsv, resultsCsvHeader } from './batch-results-csv.js';
import { getPortalBatch, getPortalBatchRows, listPortalBatches } from './batches.js';
import { previewUpload, submitUpload } from './uploads.js';

const managedTag = 'Microsoft365Managed_Autopilot';
const corpus = (name: string) => fs.readFileSync(`/work/shared/corpus/csv/${name}`);
const page = { offset: 0, limit: 50 };

async function world(deps: ServiceDeps) {
  const pair = await consentedPair(deps, { partner: 'Fabrikam', customer: 'Contoso' });
  const other = await consentedPair(deps, { partner: 'Tailspin', customer: 'Wingtip' });
  return { ...pair, other };
}

/** Batches stored anywhere, acknowledged or not. */
async function storedBatches(deps: ServiceDeps): Promise<number> {
  return (await deps.store.repos.batches.list({ operator: true }, { limit: 1000 })).length;
}

/**
 * A file with one row of each verdict: new (lines 2 and 7), already registered here
 * (806), registered to another customer (808), repeated, and a broken hash.
 */
async function mixedFile(deps: ServiceDeps, w: Awaited<ReturnType<typeof world>>) {
  await register(deps, w.partnerAgent, w.customer, [syntheticDevice(2)]);
  await register(deps, w.other.partnerAgent, w.other.customer, [syntheticDevice(3)]);
  const csv = intuneCsv(
    [
      syntheticDevice(1),
      syntheticDevice(2),
      syntheticDevice(3),
      syntheticDevice(1),
      syntheticDevice(4, { hardwareHash: 'bm90IGEgaGFzaA==' }),
      syntheticDevice(5, { groupTag: managedTag }),
    ],
    { groupTag: true },
  );
  return new TextEncoder().encode(csv);
}

forEachDialect('portal: adding devices from a file', (database) => {
  it('previews every verdict, and the real batch gives the same ones', async () => {
    const { deps } = buildDeps(database());
    const w = await world(deps);
    const bytes = await mixedFile(deps, w);
    const before = await storedBatches(deps);

    const preview = await previewUpload(deps, w.partnerAgent, {
      customerId: w.customer.id,
      bytes,
      fileName: 'devices.csv',
      groupTag: 'microsoft365managed_autopilot',
    });
    expect(await storedBatches(deps)).toBe(before);
    expect(preview.file).toMatchObject({ ok: true, fileName: 'devices.csv', layout: 'intune' });
    expect(preview.rows.map((r) => [r.line, r.verdict])).toEqual([
      [2, 'would_register'],
      [3, 'already_registered'],
      [4, 'other_customer'],
      [5, 'duplicate'],
      [6, 'invalid'],
      [7, 'would_register'],
    ]);
    expect(preview.counts).toEqual({
      would_register: 2,
      already_registered: 1,
      other_customer: 1,
      duplicate: 1,
      invalid: 1,
      warnings: 1,
    });
    expect(preview.rows[1]).toMatchObject({ referenceCode: '806' });
    expect(preview.rows[2]).toMatchObject({ referenceCode: '808' });
    expect(preview.rows[5]!.profile?.displayName).toBe('Microsoft Managed Desktop');
    const nearMiss = preview.rows[0]!;
    expect(nearMiss.profile).toBeNull();
    expect(nearMiss.warnings).toEqual([
      expect.objectContaining({
        code: 'tag.near_miss',
        message: expect.stringContaining(`Did you mean "${managedTag}"?`),
      }),
    ]);
    expect(preview.issues.find((i) => i.line === 6)).toMatchObject({
      severity: 'error',
      column: 'Hardware Hash',
    });

    const batch = await submitUpload(deps, w.partnerAgent, {
      customerId: w.customer.id,
      bytes,
      fileName: 'devices.csv',
      groupTag: 'microsoft365managed_autopilot',
    });
    expect(batch).toMatchObject({
      status: 'queued',
      source: 'portal',
      fileName: 'devices.csv',
      groupTag: 'microsoft365managed_autopilot',
      registrar: { displayName: 'Fabrikam' },
      customer: { displayName: 'Contoso' },
    });
    await drainBatches(deps);
    const rows = await getBatchRows(deps, w.partnerAgent, batch.id);
    expect(rows.map((r) => [r.line, r.code, r.profileId, r.warnings.map((x) => x.code)])).toEqual(
      preview.rows.map((r) => [
        r.line,
        r.code,
        r.profile?.id ?? null,
        r.warnings.map((x) => x.code),
      ]),
    );
  });

  it('lists the problems of a real file on their lines and columns', async () => {
    const { deps } = buildDeps(database());
    const w = await world(deps);
    const preview = await previewUpload(deps, w.partnerAgent, {
      customerId: w.customer.id,
      bytes: corpus('partner-center-style-template-utf8bom-lf-6fields-explanations-via-cipp.csv'),
      fileName: 'template.csv',
    });
    expect(preview.file).toMatchObject({
      ok: true,
      layout: 'partner-center',
      encoding: 'utf-8-bom',
      devices: 0,
    });
    const at = (line: number) => preview.issues.filter((i) => i.line === line);
    expect(at(3)).toEqual([
      expect.objectContaining({ code: 'csv.pkid.length', column: 'Windows product ID' }),
    ]);
    expect(at(4)).toEqual([
      expect.objectContaining({ code: 'csv.hash.truncated', column: 'Hardware hash' }),
    ]);
    expect(at(8)).toEqual([expect.objectContaining({ code: 'csv.row.free_text', column: null })]);
    expect(preview.rows.every((r) => r.verdict === 'invalid')).toBe(true);
    expect(preview.rows.find((r) => r.line === 3)?.message).toContain('13');
  });

  it('answers a file that cannot be read with its reasons, and refuses to submit it', async () => {
    const { deps } = buildDeps(database());
    const w = await world(deps);
    const bytes = corpus('wrong-file-intune-autopilot-device-export-quoted-fields.csv');
    const preview = await previewUpload(deps, w.partnerAgent, {
      customerId: w.customer.id,
      bytes,
    });
    expect(preview.file.ok).toBe(false);
    expect(preview.rows).toEqual([]);
    expect(preview.issues[0]).toMatchObject({ code: 'csv.header.device_export', line: 1 });
    const before = await storedBatches(deps);
    await expect(
      submitUpload(deps, w.partnerAgent, { customerId: w.customer.id, bytes }),
    ).rejects.toMatchObject({ code: 'csv.file_rejected' });
    expect(await storedBatches(deps)).toBe(before);

    const empty = await previewUpload(deps, w.partnerAgent, {
      customerId: w.customer.id,
      bytes: new Uint8Array(),
    });
    expect(empty.file.ok).toBe(false);
    expect(empty.issues.length).toBeGreaterThan(0);
  });

  it('lets readers preview but not submit', async () => {
    const { deps } = buildDeps(database());
    const w = await world(deps);
    const reader = await userActor(deps, w.partner, 'reader@fabrikam.example', 'reader');
    const bytes = new TextEncoder().encode(intuneCsv([syntheticDevice(1)]));
    const preview = await previewUpload(deps, reader, { customerId: w.customer.id, bytes });
    expect(preview.counts.would_register).toBe(1);
    await expect(
      submitUpload(deps, reader, { customerId: w.customer.id, bytes }),
    ).rejects.toMatchObject({ code: 'access.denied' });
  });

  it('refuses an upload for a customer who revoked access, storing nothing', async () => {
    const { deps } = buildDeps(database());
    const w = await world(deps);
    await revokeRelationship(deps, w.customerAdmin, w.relationship.id);
    const bytes = new TextEncoder().encode(intuneCsv([syntheticDevice(1)]));
    const before = await storedBatches(deps);
    for (const attempt of [previewUpload, submitUpload]) {
      await expect(
        attempt(deps, w.partnerAgent, { customerId: w.customer.id, bytes }),
      ).rejects.toMatchObject({
        code: 'consent.missing',
        message: "Contoso has revoked your organisation's access; ask them for a new invitation.",
      });
    }
    expect(await storedBatches(deps)).toBe(before);
    await expect(
      submitUpload(deps, w.partnerAgent, { customerId: w.other.customer.id, bytes }),
    ).rejects.toMatchObject({ code: 'org.not_found' });
  });

  it('refuses a group name no rule could ever match', async () => {
    const { deps } = buildDeps(database());
    const w = await world(deps);
    const bytes = new TextEncoder().encode(intuneCsv([syntheticDevice(1)]));
    await expect(
      previewUpload(deps, w.partnerAgent, { customerId: w.customer.id, bytes, groupTag: 'a,b' }),
    ).rejects.toMatchObject({ code: 'input.invalid', details: { field: 'groupTag' } });
  });
});

forEachDialect('portal: batches and their results', (database) => {
  it('keeps a group name exactly as typed: a space after it means no profile, and the preview says so', async () => {
    const { deps } = buildDeps(database());
    const w = await world(deps);
    const upload = {
      customerId: w.customer.id,
      bytes: new TextEncoder().encode(intuneCsv([syntheticDevice(1)])),
      groupTag: `${managedTag} `,
    };
    const preview = await previewUpload(deps, w.partnerAgent, upload);
    expect(preview.rows).toEqual([
      expect.objectContaining({
        groupTag: `${managedTag} `,
        verdict: 'would_register',
        profile: null,
      }),
    ]);
    expect(preview.rows[0]!.warnings).toEqual([
      expect.objectContaining({
        code: 'tag.near_miss',
        message: expect.stringContaining(`Did you mean "${managedTag}"?`),
      }),
    ]);
    const batch = await submitUpload(deps, w.partnerAgent, upload);
    expect(batch.groupTag).toBe(`${managedTag} `);
    await drainBatches(deps);
    const [row] = await getBatchRows(deps, w.partnerAgent, batch.id);
    expect(row).toMatchObject({ groupTag: `${managedTag} `, profileId: null });
    // A name of spaces only is no name: the devices keep the tags of their own rows.
    const blank = await submitUpload(deps, w.partnerAgent, { ...upload, groupTag: '   ' });
    expect(blank.groupTag).toBeNull();
  });

  it('shows a batch to its registrar and its customer only, and its results as CSV', async () => {
    const { deps, clock } = buildDeps(database());
    const w = await world(deps);
    const first = await submitUpload(deps, w.partnerAgent, {
      customerId: w.customer.id,
      bytes: new TextEncoder().encode(intuneCsv([syntheticDevice(1)])),
      fileName: 'first.csv',
    });
    clock.advance(60_000);
    const bytes = await mixedFile(deps, w);
    clock.advance(60_000);
    const batch = await submitUpload(deps, w.partnerAgent, {
      customerId: w.customer.id,
      bytes,
      fileName: 'Spring order.csv',
      groupTag: 'Sales',
    });
    await drainBatches(deps);

    const mine = await listPortalBatches(deps, w.partnerAgent, page);
    // Newest first; the batches `register` made for the file's setup are there too.
    expect(mine.items[0]).toMatchObject({ id: batch.id, status: 'finished_with_errors' });
    expect(mine.items.map((b) => b.id)).toContain(first.id);
    const received = await listPortalBatches(deps, w.customerAdmin, {
      ...page,
      customerId: w.customer.id,
    });
    expect(received.items.map((b) => b.id)).toEqual(mine.items.map((b) => b.id));
    const paged = await listPortalBatches(deps, w.partnerAgent, { offset: 1, limit: 1 });
    expect(paged).toMatchObject({ total: mine.total, items: [{ id: mine.items[1]!.id }] });
    const theirs = await listPortalBatches(deps, w.other.partnerAgent, page);
    expect(theirs.items.map((b) => b.id)).not.toContain(batch.id);
    await expect(getPortalBatch(deps, w.other.partnerAgent, batch.id)).rejects.toMatchObject({
      code: 'batch.not_found',
    });
    await expect(batchResultsCsv(deps, w.other.customerAdmin, batch.id)).rejects.toMatchObject({
      code: 'batch.not_found',
    });
    expect((await getPortalBatch(deps, w.customerAdmin, batch.id)).registeredRows).toBe(1);

    const rows = await getPortalBatchRows(deps, w.partnerAgent, batch.id, { offset: 4, limit: 2 });
    expect(rows).toMatchObject({ total: 6, offset: 4, limit: 2 });
    expect(rows.items.map((r) => [r.line, r.status])).toEqual([
      [6, 'failed'],
      [7, 'registered'],
    ]);
    expect(rows.items[1]!.profile?.displayName).toBe('Microsoft Managed Desktop');

    const results = await batchResultsCsv(deps, w.customerAdmin, batch.id);
    expect(results.fileName).toBe('Spring order-results.csv');
    let text = '';
    for await (const line of results.lines) {
      text += line;
    }
    const parsed = Papa.parse<string[]>(text.trimEnd(), { newline: '\r\n' });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data[0]).toEqual([...resultsCsvHeader]);
    expect(parsed.data).toHaveLength(7);
    expect(parsed.data[1]).toEqual([
      '2',
      'SN00000001',
      'Sales',
      'failed',
      'device.already_registered_here',
      '806',
      'ZtdDeviceAlreadyAssigned',
      'This device is already registered to this customer.',
      expect.any(String),
      '',
    ]);
    expect(parsed.data[6]!.slice(0, 4)).toEqual(['7', 'SN00000005', managedTag, 'registered']);
    expect(parsed.data[6]![9]).toBe('Microsoft Managed Desktop');
  });

  it('keeps values from the file from running as spreadsheet formulas', async () => {
    const { deps } = buildDeps(database());
    const w = await world(deps);
    const batch = await submitUpload(deps, w.partnerAgent, {
      customerId: w.customer.id,
      bytes: new TextEncoder().encode(
        intuneCsv([syntheticDevice(1, { groupTag: '=1+2' })], { groupTag: true }),
      ),
    });
    await drainBatches(deps);
    const results = await batchResultsCsv(deps, w.partnerAgent, batch.id);
    expect(results.fileName).toBe('devices-results.csv');
    const lines: string[] = [];
    for await (const line of results.lines) {
      lines.push(line);
    }
    expect(lines[1]).toContain(",'=1+2,");
  });
});
