import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { DialectInfo } from './dialects/dialect.js';
import { chunkForBinds } from './chunk.js';
import type { Scope } from './scope.js';
import type {
  BatchesTable,
  BatchResultsTable,
  BatchRowHashesTable,
  BatchRowsTable,
  BatchStatusColumn,
  Schema,
} from './schema.js';

export type BatchRow = Selectable<BatchesTable>;
export type BatchInputRow = Selectable<BatchRowsTable>;
export type BatchResultRow = Selectable<BatchResultsTable>;
/** A stored row as the worker reads it. */
export type PendingRow = BatchInputRow;
/** A stored row with its result's columns, all null while the row waits. */
export type BatchRowWithResult = BatchInputRow & {
  [K in Exclude<keyof BatchResultRow, 'batch_id' | 'row_index'>]: BatchResultRow[K] | null;
};

/** One Partner Center device batch: the uploads of one registrar sharing a name. */
export interface DeviceBatchSummary {
  readonly name: string;
  /** When its first upload was received. */
  readonly createdAt: string;
  /** Devices its uploads registered that are still registered. */
  readonly devicesCount: number;
}

/** A registered device of a device batch, with what Partner Center shows of it. */
export interface DeviceBatchMember {
  readonly id: string;
  readonly serialNumber: string | null;
  readonly productKeyId: string | null;
  readonly manufacturer: string | null;
  readonly model: string | null;
  /** The hash text as it was submitted (canonical base64), or null when it had none. */
  readonly hardwareHash: string | null;
  readonly registeredAt: string;
  /** The registrar's own profile pinned to the device, or null. */
  readonly pinnedProfileId: string | null;
}

/** Batches, their input rows and their per-row results. */
export class BatchRepo {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dialect: DialectInfo,
  ) {}

  async insertBatch(batch: Insertable<BatchesTable>): Promise<void> {
    await this.db.insertInto('batches').values(batch).execute();
  }

  /** Ends receiving: records the row count and content digest, and queues the batch. */
  async markQueued(id: string, totalRows: number, contentDigest: string): Promise<void> {
    await this.db
      .updateTable('batches')
      .set({
        total_rows: totalRows,
        content_digest: contentDigest,
        status: 'queued',
        lease_expires_at: null,
      })
      .where('id', '=', id)
      .where('status', '=', 'receiving')
      .execute();
  }

  /** Deletes a batch with its rows and results (only batches that registered nothing). */
  async deleteBatch(id: string): Promise<void> {
    await this.db
      .deleteFrom('batches')
      .where('id', '=', id)
      .where('status', '=', 'receiving')
      .execute();
  }

  /** Extends the receiving lease of a batch that is still `receiving`. */
  async renewReceiving(id: string, leaseExpiresAt: string): Promise<void> {
    await this.db
      .updateTable('batches')
      .set({ lease_expires_at: leaseExpiresAt })
      .where('id', '=', id)
      .where('status', '=', 'receiving')
      .execute();
  }

  /**
   * Deletes batches whose submitter died while sending them: `receiving` with a lease that
   * ran out before `now`, or, left by versions that kept no receiving lease, created
   * before `leaselessBefore`. Returns how many.
   */
  async deleteAbandoned(now: string, leaselessBefore: string): Promise<number> {
    const result = await this.db
      .deleteFrom('batches')
      .where('status', '=', 'receiving')
      .where((eb) =>
        eb.or([
          eb('lease_expires_at', '<', now),
          eb.and([eb('lease_expires_at', 'is', null), eb('created_at', '<', leaselessBefore)]),
        ]),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Inserts input rows and their hash texts, chunked to the dialect's bind-parameter limit. */
  async insertRows(
    rows: readonly Insertable<BatchRowsTable>[],
    hashes: readonly Insertable<BatchRowHashesTable>[],
  ): Promise<void> {
    if (this.db.isTransaction) {
      await this.dialect.bulkWriter.insert(this.db, 'batch_rows', rows);
      await this.dialect.bulkWriter.insert(this.db, 'batch_row_hashes', hashes);
      return;
    }
    for (const chunk of chunkForBinds(rows, 14, this.dialect.maxBindParams)) {
      await this.db.insertInto('batch_rows').values(chunk).execute();
    }
    for (const chunk of chunkForBinds(hashes, 3, this.dialect.maxBindParams)) {
      await this.db.insertInto('batch_row_hashes').values(chunk).execute();
    }
  }

  /** Inserts results, chunked likewise. A row has at most one result (primary key). */
  async insertResults(results: readonly Insertable<BatchResultsTable>[]): Promise<void> {
    if (this.db.isTransaction) {
      await this.dialect.bulkWriter.insert(this.db, 'batch_results', results);
      return;
    }
    for (const chunk of chunkForBinds(results, 11, this.dialect.maxBindParams)) {
      await this.db.insertInto('batch_results').values(chunk).execute();
    }
  }

  async findByClientBatchId(
    registrarOrgId: string,
    customerOrgId: string,
    clientBatchId: string,
  ): Promise<BatchRow | undefined> {
    return this.db
      .selectFrom('batches')
      .selectAll()
      .where('registrar_org_id', '=', registrarOrgId)
      .where('customer_org_id', '=', customerOrgId)
      .where('client_batch_id', '=', clientBatchId)
      .executeTakeFirst();
  }

  /** A batch visible in `scope` (its registrar or its customer). */
  async find(scope: Scope, id: string): Promise<BatchRow | undefined> {
    let query = this.db.selectFrom('batches').selectAll().where('id', '=', id);
    if ('orgId' in scope) {
      query = query.where((eb) =>
        eb.or([eb('registrar_org_id', '=', scope.orgId), eb('customer_org_id', '=', scope.orgId)]),
      );
    }
    return query.executeTakeFirst();
  }

  /** Batches visible in `scope`, newest first, optionally for one customer. */
  async list(
    scope: Scope,
    filter: { customerOrgId?: string; limit?: number } = {},
  ): Promise<BatchRow[]> {
    let query = this.db
      .selectFrom('batches')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(filter.limit ?? 100);
    if ('orgId' in scope) {
      query = query.where((eb) =>
        eb.or([eb('registrar_org_id', '=', scope.orgId), eb('customer_org_id', '=', scope.orgId)]),
      );
    }
    if (filter.customerOrgId) {
      query = query.where('customer_org_id', '=', filter.customerOrgId);
    }
    return query.execute();
  }

  /**
   * A batch of `registrarOrgId` for `customerOrgId` (Partner Center's tracking id): the
   * registrar's own, never another registrar's or the customer's.
   */
  async findOwn(
    registrarOrgId: string,
    customerOrgId: string,
    id: string,
  ): Promise<BatchRow | undefined> {
    return this.db
      .selectFrom('batches')
      .selectAll()
      .where('id', '=', id)
      .where('registrar_org_id', '=', registrarOrgId)
      .where('customer_org_id', '=', customerOrgId)
      .executeTakeFirst();
  }

  /** True when the registrar has an accepted upload named `name` for the customer. */
  async hasDeviceBatch(
    registrarOrgId: string,
    customerOrgId: string,
    name: string,
  ): Promise<boolean> {
    const row = await this.db
      .selectFrom('batches')
      .select('id')
      .where('registrar_org_id', '=', registrarOrgId)
      .where('customer_org_id', '=', customerOrgId)
      .where('device_batch_name', '=', name)
      .where('status', '<>', 'receiving')
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * The registrar's device batches for a customer, oldest first. Devices are joined on
   * their customer too, so the scan stays inside the customer's devices (indexed by
   * customer) rather than all devices.
   */
  async deviceBatches(
    registrarOrgId: string,
    customerOrgId: string,
  ): Promise<DeviceBatchSummary[]> {
    const rows = await this.db
      .selectFrom('batches as b')
      .leftJoin('devices as d', (join) =>
        join.onRef('d.batch_id', '=', 'b.id').onRef('d.customer_org_id', '=', 'b.customer_org_id'),
      )
      .select(({ fn }) => [
        'b.device_batch_name as name',
        fn.min('b.created_at').as('created_at'),
        fn.count('d.id').as('devices'),
      ])
      .where('b.registrar_org_id', '=', registrarOrgId)
      .where('b.customer_org_id', '=', customerOrgId)
      .where('b.device_batch_name', 'is not', null)
      .where('b.status', '<>', 'receiving')
      .groupBy('b.device_batch_name')
      .orderBy('created_at')
      .orderBy('name')
      .execute();
    return rows.map((row) => ({
      name: row.name as string,
      createdAt: row.created_at,
      devicesCount: Number(row.devices),
    }));
  }

  /**
   * Registered devices of the registrar's device batch `name`, by id after `after`
   * (keyset paging), with their submitted hash text and the registrar's pinned profile.
   */
  async deviceBatchMembers(
    registrarOrgId: string,
    customerOrgId: string,
    name: string,
    page: { after?: string; limit: number; deviceId?: string },
  ): Promise<DeviceBatchMember[]> {
    let query = this.membersOf(registrarOrgId, customerOrgId, name)
      .leftJoin('batch_row_hashes as h', (join) =>
        join.onRef('h.batch_id', '=', 'd.batch_id').onRef('h.row_index', '=', 'd.batch_row_index'),
      )
      .leftJoin('device_profile_pins as p', 'p.device_id', 'd.id')
      .leftJoin('deployment_profiles as dp', (join) =>
        join
          .onRef('dp.id', '=', 'p.profile_id')
          .onRef('dp.customer_org_id', '=', 'p.customer_org_id')
          .on('dp.managed_by_org_id', '=', registrarOrgId),
      )
      .select([
        'd.id',
        'd.serial_number',
        'd.product_key_id',
        'd.manufacturer',
        'd.model',
        'd.registered_at',
        'h.hardware_hash',
        'dp.id as pinned_profile_id',
      ])
      .orderBy('d.id')
      .limit(page.limit);
    if (page.after !== undefined) {
      query = query.where('d.id', '>', page.after);
    }
    if (page.deviceId !== undefined) {
      query = query.where('d.id', '=', page.deviceId);
    }
    const rows = await query.execute();
    return rows.map((row) => ({
      id: row.id,
      serialNumber: row.serial_number,
      productKeyId: row.product_key_id,
      manufacturer: row.manufacturer,
      model: row.model,
      hardwareHash: row.hardware_hash,
      registeredAt: row.registered_at,
      pinnedProfileId: row.pinned_profile_id,
    }));
  }

  /** How many registered devices the registrar's device batch `name` has. */
  async countDeviceBatchMembers(
    registrarOrgId: string,
    customerOrgId: string,
    name: string,
  ): Promise<number> {
    const row = await this.membersOf(registrarOrgId, customerOrgId, name)
      .select(({ fn }) => fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Devices the registrar registered for the customer through uploads named `name`. */
  private membersOf(registrarOrgId: string, customerOrgId: string, name: string) {
    return this.db
      .selectFrom('devices as d')
      .innerJoin('batches as b', 'b.id', 'd.batch_id')
      .where('d.customer_org_id', '=', customerOrgId)
      .where('d.registered_by_org_id', '=', registrarOrgId)
      .where('b.registrar_org_id', '=', registrarOrgId)
      .where('b.customer_org_id', '=', customerOrgId)
      .where('b.device_batch_name', '=', name);
  }

  /**
   * Takes the oldest batch that is queued, or processing under an expired lease (its
   * worker died), for `worker` until `leaseUntil`. One statement, so two workers can never
   * take the same batch: PostgreSQL skips rows another worker has locked; SQLite runs one
   * writer at a time.
   */
  async claim(
    worker: string,
    now: string,
    leaseUntil: string,
    onlyId?: string,
  ): Promise<BatchRow | undefined> {
    const lock = this.dialect.supportsSkipLocked ? sql` for update skip locked` : sql``;
    const only = onlyId === undefined ? sql`` : sql` and id = ${onlyId}`;
    const result = await sql<BatchRow>`
      update batches
         set status = 'processing',
             lease_owner = ${worker},
             lease_expires_at = ${leaseUntil},
             started_at = coalesce(started_at, ${now}),
             attempts = attempts + 1
       where id = (
         select id from batches
          where (status = 'queued' or (status = 'processing' and lease_expires_at < ${now}))${only}
          order by created_at, id
          limit 1${lock}
       )
      returning *`.execute(this.db);
    return result.rows[0];
  }

  /** Extends the lease while the worker still holds it; false when it was lost. */
  async renewLease(id: string, worker: string, leaseUntil: string): Promise<boolean> {
    const result = await this.db
      .updateTable('batches')
      .set({ lease_expires_at: leaseUntil })
      .where('id', '=', id)
      .where('lease_owner', '=', worker)
      .where('status', '=', 'processing')
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /** Gives a batch back (it stays `processing`, with a lease that has already run out). */
  async releaseLease(id: string, worker: string, now: string): Promise<void> {
    await this.db
      .updateTable('batches')
      .set({ lease_expires_at: now })
      .where('id', '=', id)
      .where('lease_owner', '=', worker)
      .execute();
  }

  /**
   * The index of the last row with a result, or -1. Chunks are processed in row order and
   * each commits all its results at once, so the rows with results are always a prefix:
   * a resuming worker starts right after it.
   */
  async lastResultIndex(batchId: string): Promise<number> {
    const row = await this.db
      .selectFrom('batch_results')
      .select(({ fn }) => fn.max('row_index').as('last'))
      .where('batch_id', '=', batchId)
      .executeTakeFirst();
    return row?.last === null || row?.last === undefined ? -1 : Number(row.last);
  }

  /** The rows after `afterIndex`, in order (a range scan of the primary key). */
  async rowsAfter(batchId: string, afterIndex: number, limit: number): Promise<PendingRow[]> {
    return this.db
      .selectFrom('batch_rows')
      .selectAll()
      .where('batch_id', '=', batchId)
      .where('row_index', '>', afterIndex)
      .orderBy('row_index')
      .limit(limit)
      .execute();
  }

  /** Source lines of some rows of a batch, by row index. */
  async linesOf(batchId: string, indexes: readonly number[]): Promise<Map<number, number | null>> {
    const lines = new Map<number, number | null>();
    const unique = [...new Set(indexes)];
    for (let i = 0; i < unique.length; i += 1000) {
      const rows = await this.db
        .selectFrom('batch_rows')
        .select(['row_index', 'line'])
        .where('batch_id', '=', batchId)
        .where('row_index', 'in', unique.slice(i, i + 1000))
        .execute();
      for (const row of rows) {
        lines.set(Number(row.row_index), row.line === null ? null : Number(row.line));
      }
    }
    return lines;
  }

  /** Adds to the batch's counters (inside the transaction that recorded the results). */
  async addCounts(
    id: string,
    counts: { registered: number; failed: number; warnings: number },
  ): Promise<void> {
    await this.db
      .updateTable('batches')
      .set((eb) => ({
        registered_rows: eb('registered_rows', '+', counts.registered),
        failed_rows: eb('failed_rows', '+', counts.failed),
        warning_rows: eb('warning_rows', '+', counts.warnings),
      }))
      .where('id', '=', id)
      .execute();
  }

  /** Ends a batch held by `worker`; false when another worker took it over meanwhile. */
  async finish(
    id: string,
    worker: string,
    status: BatchStatusColumn,
    at: string,
    failureReason: string | null = null,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('batches')
      .set({
        status,
        finished_at: at,
        lease_owner: null,
        lease_expires_at: null,
        failure_reason: failureReason,
      })
      .where('id', '=', id)
      .where('lease_owner', '=', worker)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /** Rows of a batch with their result columns (null while pending), in order. */
  async rowsWithResults(
    batchId: string,
    page: { offset?: number; limit?: number } = {},
  ): Promise<BatchRowWithResult[]> {
    return this.db
      .selectFrom('batch_rows as r')
      .leftJoin('batch_results as s', (join) =>
        join.onRef('s.batch_id', '=', 'r.batch_id').onRef('s.row_index', '=', 'r.row_index'),
      )
      .selectAll('r')
      .select([
        's.status',
        's.code',
        's.reference_code',
        's.reference_name',
        's.message',
        's.remedy',
        's.device_id',
        's.profile_id',
        's.warnings',
      ])
      .where('r.batch_id', '=', batchId)
      // A batch's row indexes run from 0 without gaps, so the offset is the first index:
      // a range of the primary key instead of stepping over every earlier row (a report of
      // a million rows read in pages would otherwise cost quadratic time).
      .where('r.row_index', '>=', page.offset ?? 0)
      .orderBy('r.row_index')
      .limit(page.limit ?? 1_000_000)
      .execute();
  }
}
