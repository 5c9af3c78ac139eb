import { expect, it, vi } from 'vitest';
import { forEachDialect } from '../../../test/kit/databases.js';
import { syntheticDevice } from '../../../test/kit/devices.js';
import { consentedPair, queueBatch, register } from '../../../test/kit/registration.js';
import { buildDeps } from '../../../test/kit/services.js';
import { PreflightError } from '../../domain/errors.js';
import type { Actor } from '../../domain/actor.js';
import type { ServiceDeps } from '../deps.js';
import { deregisterDevice, listDevices, setGroupTag } from '../devices.js';
import { createProfile, createTagRule } from '../profiles.js';
import { revokeRelationship } from '../relationships.js';
import { getBatchRows } from './register.js';
import { prepareFields } from './prepare-fields.js';
import { dryRunBatch, submitBatch } from './register.js';
import { processBatch, type TransactionRunner } from './process-batch.js';
import { resolveParties } from './consent.js';
import { deleteAbandonedBatches, receivingLeaseMs, storeSubmission } from './submit-batch.js';
import { createStore } from '../../store/store.js';

const tag = 'Microsoft365Managed_Autopilot';

forEachDialect('registration engine', (database, dialect, connectAgain) => {
  it('registers devices with the built-in Managed Desktop profile assigned at once', async () => {
    const { deps } = buildDeps(database());
    const { customer, partnerAgent, customerAdmin } = await consentedPair(deps, {
      partner: 'Fabrikam',
      customer: 'Contoso',
    });
    const { batch } = await register(
      deps,
      partnerAgent,
      customer,
      [syntheticDevice(1), syntheticDevice(2)],
      { groupTag: tag },
    );
    expect(batch).toMatchObject({
      status: 'finished',
      totalRows: 2,
      registeredRows: 2,
      failedRows: 0,
    });
    const devices = await listDevices(deps, customerAdmin, {});
    expect(
      devices.map((d) => [d.serialNumber, d.groupTag, d.profileStatus, d.registeredBy]),
    ).toEqual([
      ['SN00000001', tag, 'assignedInSync', 'user:agent@fabrikam.example'],
      ['SN00000002', tag, 'assignedInSync', 'user:agent@fabrikam.example'],
    ]);
    expect(devices[0]!.profileAssignedAt).not.toBeNull();
  });

  it('answers 806 for a device already registered to the same customer and 808 for another customer, without naming it', async () => {
    const { deps } = buildDeps(database());
    const a = await consentedPair(deps, { partner: 'Fabrikam', customer: 'Contoso' });
    const b = await consentedPair(deps, { partner: 'Litware', customer: 'Northwind' });
    await register(deps, a.partnerAgent, a.customer, [syntheticDevice(1)]);
    const again = await register(deps, a.partnerAgent, a.customer, [syntheticDevice(1)]);
    const [same] = await getBatchRows(deps, a.partnerAgent, again.batch.id);
    expect(same).toMatchObject({
      status: 'failed',
      referenceCode: '806',
      referenceName: 'ZtdDeviceAlreadyAssigned',
    });

    const other = await register(deps, b.partnerAgent, b.customer, [syntheticDevice(1)]);
    const [taken] = await getBatchRows(deps, b.partnerAgent, other.batch.id);
    expect(taken).toMatchObject({
      status: 'failed',
      referenceCode: '808',
      referenceName: 'ZtdDeviceAssignedToOtherTenant',
    });
    expect(JSON.stringify(taken)).not.toMatch(/Contoso|Fabrikam/);
    expect(other.batch.status).toBe('finished_with_errors');
  });

  it('finds the same device through another harvest or through its tuple', async () => {
    const { deps } = buildDeps(database());
    const a = await consentedPair(deps, { partner: 'Fabrikam', customer: 'Contoso' });
    const b = await consentedPair(deps, { partner: 'Litware', customer: 'Northwind' });
    await register(deps, a.partnerAgent, a.customer, [syntheticDevice(7)]);
    // A second harvest of the same machine: another hash text, the same SMBIOS identity.
    const reharvest = syntheticDevice(7, {
      hardwareHash: (await import('../../domain/hardware-hash.js')).buildHardwareHash({
        serialNumber: 'SN00000007',
        manufacturer: 'Contoso Devices',
        model: 'Laptop 7',
        harvestedAt: new Date('2026-03-01T00:00:00Z'),
      }),
    });
    const tuple = {
      serialNumber: 'SN00000007',
      manufacturer: 'Contoso Devices',
      model: 'Laptop 7',
    };
    const result = await register(deps, b.partnerAgent, b.customer, [reharvest, tuple]);
    const rows = await getBatchRows(deps, b.partnerAgent, result.batch.id);
    expect(rows.map((r) => r.referenceCode)).toEqual(['808', '808']);
  });

  it('reports a device repeated within one batch on the later row, naming the earlier one', async () => {
    const { deps } = buildDeps(database());
    const { customer, partnerAgent } = await consentedPair(deps, {
      partner: 'Fabrikam',
      customer: 'Contoso',
    });
    const result = await register(deps, partnerAgent, customer, [
      syntheticDevice(1),
      syntheticDevice(2),
      syntheticDevice(1),
    ]);
    const rows = await getBatchRows(deps, partnerAgent, result.batch.id);
    expect(rows.map((r) => r.status)).toEqual(['registered', 'registered', 'failed']);
    expect(rows[2]).toMatchObject({ referenceName: 'ZtdDeviceDuplicated' });
    expect(rows[2]!.message).toMatch(/row 1/);
  });

  it('lets a device be registered elsewhere after its owner deregisters it', async () => {
    const { deps } = buildDeps(database());
    const a = await consentedPair(deps, { partner: 'Fabrikam', customer: 'Contoso' });
    const b = await consentedPair(deps, { partner: 'Litware', customer: 'Northwind' });
    await register(deps, a.partnerAgent, a.customer, [syntheticDevice(1)]);
    const [device] = await listDevices(deps, a.customerAdmin, {});
    await deregisterDevice(deps, a.customerAdmin, device!.id);
    const moved = await register(deps, b.partnerAgent, b.customer, [syntheticDevice(1)]);
    expect(moved.batch.registeredRows).toBe(1);
    expect(await listDevices(deps, a.customerAdmin, {})).toEqual([]);
    expect((await listDevices(deps, b.customerAdmin, {})).map((d) => d.serialNumber)).toEqual([
      'SN00000001',
    ]);
  });

  it('lets the registering partner deregister only while it has deregister permission', async () => {
    const { deps } = buildDeps(database());
    const withDeregister = await consentedPair(deps, { partner: 'Fabrikam', customer: 'Contoso' });
    await register(deps, withDeregister.partnerAgent, withDeregister.customer, [
      syntheticDevice(1),
    ]);
    const [device] = await listDevices(deps, withDeregister.customerAdmin, {});
    await deregisterDevice(
      deps,
      withDeregister.partnerAgent,
      device!.id,
      withDeregister.customer.id,
    );

    const readOnly = await consentedPair(deps, { partner: 'Litware', customer: 'Northwind' }, [
      'register_devices',
      'read_devices',
    ]);
    await register(deps, readOnly.partnerAgent, readOnly.customer, [syntheticDevice(2)]);
    const [other] = await listDevices(deps, readOnly.customerAdmin, {});
    await expect(
      deregisterDevice(deps, readOnly.partnerAgent, other!.id, readOnly.customer.id),
    ).rejects.toMatchObject({
      code: 'consent.missing',
    });
    // Another partner cannot see, let alone deregister, Contoso's devices.
    await expect(
      deregisterDevice(deps, readOnly.partnerAgent, other!.id, withDeregister.customer.id),
    ).rejects.toMatchObject({
      code: 'consent.missing',
    });
  });

  it('returns the same batch for a retried client batch id and refuses the id for other devices', async () => {
    const { deps } = buildDeps(database());
    const { customer, partnerAgent } = await consentedPair(deps, {
      partner: 'Fabrikam',
      customer: 'Contoso',
    });
    const first = await register(deps, partnerAgent, customer, [syntheticDevice(1)], {
      clientBatchId: 'PO-1001',
    });
    const retry = await register(deps, partnerAgent, customer, [syntheticDevice(1)], {
      clientBatchId: 'PO-1001',
    });
    expect(retry.existing).toBe(true);
    expect(retry.batch.id).toBe(first.batch.id);
    expect(retry.batch.registeredRows).toBe(1);
    await expect(
      register(deps, partnerAgent, customer, [syntheticDevice(2)], { clientBatchId: 'PO-1001' }),
    ).rejects.toMatchObject({
      code: 'batch.conflicting_retry',
    });
  });

  it('fails every row with a permission error when consent is revoked between submission and processing', async () => {
    const { deps } = buildDeps(database());
    const { customer, partnerAgent, customerAdmin, relationship } = await consentedPair(deps, {
      partner: 'Fabrikam',
      customer: 'Contoso',
    });
    const { batch } = await queueBatch(deps, partnerAgent, customer, [
      syntheticDevice(1),
      syntheticDevice(2),
    ]);
    await revokeRelationship(deps, customerAdmin, relationship.id);
    const processed = await processBatch(deps, deps.store.transaction, {
      id: 'test-worker',
      leaseMs: 30_000,
    });
    expect(processed).toMatchObject({ id: batch.id, status: 'finished_with_errors' });
    const rows = await getBatchRows(deps, partnerAgent, batch.id);
    expect(rows.map((r) => r.code)).toEqual(['relationship.no_consent', 'relationship.no_consent']);
    expect(await listDevices(deps, customerAdmin, {})).toEqual([]);
    // And a new submission is refused outright.
    await expect(
      register(deps, partnerAgent, customer, [syntheticDevice(3)]),
    ).rejects.toBeInstanceOf(PreflightError);
  });

  it('warns on a near-miss tag, registers without a profile, and refuses it with strict tags', async () => {
    const { deps } = buildDeps(database());
    const { customer, partnerAgent, customerAdmin } = await consentedPair(deps, {
      partner: 'Fabrikam',
      customer: 'Contoso',
    });
    const loose = await register(deps, partnerAgent, customer, [syntheticDevice(1)], {
      groupTag: 'microsoft365managed_autopilot',
    });
    const [row] = await getBatchRows(deps, partnerAgent, loose.batch.id);
    expect(row!.status).toBe('registered');
    expect(row!.warnings[0]!.code).toBe('tag.near_miss');
    expect(row!.warnings[0]!.message).toMatch(/NO deployment profile/);
    expect(row!.warnings[0]!.message).toContain('Microsoft365Managed_Autopilot');
    expect((await listDevices(deps, customerAdmin, {}))[0]!.profileStatus).toBe('notAssigned');

    const strict = await register(deps, partnerAgent, customer, [syntheticDevice(2)], {
      groupTag: 'Microsoft365Managed-Autopilot',
      strictTags: true,
    });
    const [refused] = await getBatchRows(deps, partnerAgent, strict.batch.id);
    expect(refused).toMatchObject({ status: 'failed', code: 'device.tag_near_miss' });
  });

  it('re-assigns profiles when a rule is added or a tag is corrected', async () => {
    const { deps } = buildDeps(database());
    const { customer, partnerAgent, customerAdmin } = await consentedPair(deps, {
      partner: 'Fabrikam',
      customer: 'Contoso',
    });
    await register(deps, partnerAgent, customer, [syntheticDevice(1)], { groupTag: 'Kiosk' });
    const kiosk = await createProfile(deps, customerAdmin, {
      settings: { displayName: 'Kiosk', deploymentMode: 'selfDeploying' },
    });
    await createTagRule(deps, customerAdmin, { profile: 'kiosk', groupTag: 'Kiosk' });
    const [device] = await listDevices(deps, customerAdmin, {});
    expect(device).toMatchObject({ profileId: kiosk.id, profileStatus: 'assignedInSync' });

    const [retagged] = await setGroupTag(deps, customerAdmin, {
      ids: [device!.id],
      groupTag: 'Nothing',
    });
    expect(retagged).toMatchObject({ profileId: null, profileStatus: 'notAssigned' });
  });

  it('gives a dry run the verdicts of a real run and keeps nothing', async () => {
    const { deps } = buildDeps(database());
    const a = await consentedPair(deps, { partner: 'Fabrikam', customer: 'Contoso' });
    const b = await consentedPair(deps, { partner: 'Litware', customer: 'Northwind' });
    await register(deps, b.partnerAgent, b.customer, [syntheticDevice(3)]);
    await register(deps, a.partnerAgent, a.customer, [syntheticDevice(4)]);
    const devices = [
      syntheticDevice(1),
      syntheticDevice(1),
      syntheticDevice(3),
      syntheticDevice(4),
      { serialNumber: 'X' },
      syntheticDevice(5, { hardwareHash: 'T0FBQUFB' }),
    ];
    const rows = () => devices.map((d) => prepareFields(d, { batchGroupTag: tag }));
    const dry = await dryRunBatch(
      deps,
      a.partnerAgent,
      { customer: a.customer.id },
      { source: 'api', groupTag: tag, rows: rows() },
    );
    const before = (await listDevices(deps, a.customerAdmin, {})).length;
    expect(before).toBe(1);
    const real = await register(deps, a.partnerAgent, a.customer, devices, { groupTag: tag });
    const realRows = await getBatchRows(deps, a.partnerAgent, real.batch.id);
    const verdict = (r: {
      status: string;
      code: string | null;
      referenceCode: string | null;
      warnings: readonly { code: string }[];
    }) => [r.status, r.code, r.referenceCode, r.warnings.map((w) => w.code)];
    expect(dry.rows.map(verdict)).toEqual(realRows.map(verdict));
    expect(dry.rows.map((r) => r.status)).toEqual([
      'registered',
      'failed',
      'failed',
      'failed',
      'failed',
      'failed',
    ]);
    expect(dry.rows.map((r) => r.referenceCode)).toEqual([null, null, '808', '806', null, '802']);
    expect(dry.batch.registeredRows).toBe(real.batch.registeredRows);
  });

  it('gives exactly one owner when two partners register the same devices at the same moment', async () => {
    const { deps } = buildDeps(database());
    const a = await consentedPair(deps, { partner: 'Fabrikam', customer: 'Contoso' });
    const b = await consentedPair(deps, { partner: 'Litware', customer: 'Northwind' });
    const devices = Array.from({ length: 300 }, (_, i) => syntheticDevice(i));
    const [ra, rb] = await Promise.all([
      register(deps, a.partnerAgent, a.customer, devices),
      register(deps, b.partnerAgent, b.customer, devices),
    ]);
    expect(ra.batch.registeredRows + rb.batch.registeredRows).toBe(300);
    expect(ra.batch.failedRows + rb.batch.failedRows).toBe(300);
    const rowsA = await getBatchRows(deps, a.partnerAgent, ra.batch.id);
    const rowsB = await getBatchRows(deps, b.partnerAgent, rb.batch.id);
    for (let i = 0; i < 300; i++) {
      const pair = [rowsA[i]!, rowsB[i]!];
      expect(pair.filter((r) => r.status === 'registered')).toHaveLength(1);
      expect(pair.find((r) => r.status === 'failed')!.referenceCode).toBe('808');
    }
    const total =
      (await listDevices(deps, a.customerAdmin, {})).length +
      (await listDevices(deps, b.customerAdmin, {})).length;
    expect(total).toBe(300);
  });

  it('never gives one batch to two workers', async () => {
    const { deps } = buildDeps(database());
    const { customer, partnerAgent } = await consentedPair(deps, {
      partner: 'Fabrikam',
      customer: 'Contoso',
    });
    for (const n of [1, 2]) {
      await submitBatch(
        deps,
        partnerAgent,
        { customer: customer.id },
        { source: 'api', rows: [prepareFields(syntheticDevice(n))] },
      );
    }
    // On PostgreSQL, three workers each with its own connection pool, as three processes
    // would have. SQLite's driver is synchronous, so a second connection in the same process
    // would block the thread that holds the lock; there, workers share one connection.
    const stores =
      dialect === 'postgres'
        ? [deps.store, createStore(await connectAgain()), createStore(await connectAgain())]
        : [deps.store, deps.store, deps.store];
    const workers = stores.map((store, i) =>
      processBatch({ ...deps, store }, store.transaction, { id: `w${i}`, leaseMs: 30_000 }),
    );
    const claimed = (await Promise.all(workers)).filter((b) => b !== undefined);
    expect(claimed).toHaveLength(2);
    expect(new Set(claimed.map((b) => b.id)).size).toBe(2);
    expect(claimed.every((b) => b.status === 'finished')).toBe(true);
  });

  it('keeps nothing of a submission that fails part-way, and acknowledges only complete batches', async () => {
    const { deps } = buildDeps(database());
    const { customer, partnerAgent } = await consentedPair(deps, {
      partner: 'Fabrikam',
      customer: 'Contoso',
    });
    async function* brokenSource() {
      for (let i = 0; i < 2500; i++) {
        yield prepareFields(syntheticDevice(i));
      }
      throw new PreflightError(
        'csv.file_rejected',
        'devices.csv, line 2502: the file is cut short.',
      );
    }
    await expect(
      submitBatch(
        deps,
        partnerAgent,
        { customer: customer.id },
        { source: 'csv', rows: brokenSource() },
      ),
    ).rejects.toMatchObject({ code: 'csv.file_rejected' });
    expect(await database().db.selectFrom('batches').selectAll().execute()).toEqual([]);
    expect(await database().db.selectFrom('batch_rows').selectAll().execute()).toEqual([]);
  });

  it('keeps nothing when a chunk fails to be stored while later ones are being written', async () => {
    const { deps } = buildDeps(database());
    const { customer, partnerAgent } = await consentedPair(deps, {
      partner: 'Fabrikam',
      customer: 'Contoso',
    });
    const parties = await resolveParties(
      deps,
      partnerAgent,
      { customer: customer.id },
      'register_devices',
    );
    // The second chunk's transaction fails (as a full disk would) while the reading goes on.
    let writes = 0;
    const failing: TransactionRunner = (work) =>
      deps.store.transaction((repos) => {
        const batches = Object.create(repos.batches, {
          insertRows: {
            value: async (...args: Parameters<typeof repos.batches.insertRows>) => {
              writes += 1;
              if (writes === 2) {
                throw new Error('disk full');
              }
              return repos.batches.insertRows(...args);
            },
          },
        }) as typeof repos.batches;
        return work({ ...repos, batches });
      });
    function* rows() {
      for (let i = 0; i < 7000; i++) {
        yield prepareFields(syntheticDevice(i));
      }
    }
    await expect(
      storeSubmission(failing, deps, partnerAgent, parties, { source: 'api', rows: rows() }),
    ).rejects.toThrow('disk full');
    expect(await database().db.selectFrom('batches').selectAll().execute()).toEqual([]);
    expect(await database().db.selectFrom('batch_rows').select('row_index').execute()).toEqual([]);
    expect(
      await database().db.selectFrom('batch_row_hashes').select('row_index').execute(),
    ).toEqual([]);
  });

  it('lets a retry replace a batch whose submitter died while sending it, once its receiving lease has run out', async () => {
    const { deps, clock } = buildDeps(database());
    const { customer, partnerAgent } = await consentedPair(deps, {
      partner: 'Fabrikam',
      customer: 'Contoso',
    });
    const started = clock.now().getTime();
    // The submitter stalls after one row and never renews its lease (as if killed; its
    // renewal timer fires only after a quarter of the lease in real time).
    await startStalledSubmission(deps, partnerAgent, customer.id, 'PO-7');
    const [receiving] = await database().db.selectFrom('batches').selectAll().execute();
    expect(receiving).toMatchObject({ status: 'receiving', client_batch_id: 'PO-7' });
    expect(
      await processBatch(deps, deps.store.transaction, { id: 'w', leaseMs: 30_000 }),
    ).toBeUndefined();
    const abandonedAt = new Date(started + receivingLeaseMs).toISOString();
    await expect(
      register(deps, partnerAgent, customer, [syntheticDevice(1)], { clientBatchId: 'PO-7' }),
    ).rejects.toMatchObject({
      code: 'batch.conflicting_retry',
      details: { retryAfter: abandonedAt, retryAfterSeconds: receivingLeaseMs / 1000 },
    });

    clock.advance(receivingLeaseMs + 1000);
    const retry = await register(deps, partnerAgent, customer, [syntheticDevice(1)], {
      clientBatchId: 'PO-7',
    });
    expect(retry.batch).toMatchObject({ status: 'finished', registeredRows: 1 });
    expect(await database().db.selectFrom('batches').select('id').execute()).toEqual([
      { id: retry.batch.id },
    ]);
  });

  it('keeps a batch whose submitter is alive but slow: the submitter renews its receiving lease, and only a lapsed lease lets the worker delete it', async () => {
    const { deps, clock } = buildDeps(database());
    const { customer, partnerAgent } = await consentedPair(deps, {
      partner: 'Fabrikam',
      customer: 'Contoso',
    });
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      await startStalledSubmission(deps, partnerAgent, customer.id, 'PO-8');
      const lease = async () =>
        (
          await database()
            .db.selectFrom('batches')
            .select(['status', 'lease_expires_at'])
            .executeTakeFirstOrThrow()
        ).lease_expires_at;

      // Three quarters of a lease later the submitter, still alive, renews it.
      clock.advance((receivingLeaseMs * 3) / 4);
      await vi.advanceTimersByTimeAsync(receivingLeaseMs / 4);
      await vi.waitFor(async () =>
        expect(await lease()).toBe(
          new Date(clock.now().getTime() + receivingLeaseMs).toISOString(),
        ),
      );
      // Past the first lease, but within the renewed one: still being sent.
      clock.advance(receivingLeaseMs / 2);
      expect(await deleteAbandonedBatches(deps)).toBe(0);
      await expect(
        register(deps, partnerAgent, customer, [syntheticDevice(1)], { clientBatchId: 'PO-8' }),
      ).rejects.toMatchObject({ code: 'batch.conflicting_retry' });

      // No renewal any more (the submitter died): once the lease lapses the worker deletes it.
      clock.advance(receivingLeaseMs / 2 + 1000);
      expect(await deleteAbandonedBatches(deps)).toBe(1);
      expect(await database().db.selectFrom('batches').select('id').execute()).toEqual([]);
      expect(await database().db.selectFrom('batch_rows').select('row_index').execute()).toEqual(
        [],
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives up a batch that keeps failing, with a StorageError outcome for every row', async () => {
    const { deps } = buildDeps(database());
    const { customer, partnerAgent, customerAdmin } = await consentedPair(deps, {
      partner: 'Fabrikam',
      customer: 'Contoso',
    });
    const { batch } = await queueBatch(deps, partnerAgent, customer, [
      syntheticDevice(1),
      syntheticDevice(2),
    ]);
    // As if five workers had claimed it and died on it.
    await database()
      .db.updateTable('batches')
      .set({ attempts: 5 })
      .where('id', '=', batch.id)
      .execute();
    const result = await processBatch(deps, deps.store.transaction, { id: 'w6', leaseMs: 30_000 });
    expect(result).toMatchObject({ id: batch.id, status: 'failed' });
    const rows = await getBatchRows(deps, partnerAgent, batch.id);
    expect(rows.map((r) => [r.status, r.referenceName])).toEqual([
      ['failed', 'StorageError'],
      ['failed', 'StorageError'],
    ]);
    expect(await listDevices(deps, customerAdmin, {})).toEqual([]);
  });
});

/**
 * Starts a submission whose rows stop after the first one and never end, as from a
 * submitter that hangs or died, and waits until its batch is `receiving`.
 */
async function startStalledSubmission(
  deps: ServiceDeps,
  agent: Actor,
  customerId: string,
  clientBatchId: string,
): Promise<void> {
  async function* stalledAfterOneRow() {
    yield prepareFields(syntheticDevice(1));
    await new Promise<never>(() => undefined);
  }
  void submitBatch(
    deps,
    agent,
    { customer: customerId },
    { source: 'api', clientBatchId, rows: stalledAfterOneRow() },
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
}
