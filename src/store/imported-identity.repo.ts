import type { Insertable, Kysely } from 'kysely';
import { chunkForBinds } from './chunk.js';
import type { DialectInfo } from './dialects/dialect.js';
import type { BatchResultsTable, ImportedIdentitiesTable, Schema } from './schema.js';

/**
 * Whose import records a read or write may touch: a customer's own (all of them), or
 * those a registrar (partner/OEM) submitted for one customer.
 */
export interface ImportedIdentityScope {
  readonly customerOrgId: string;
  readonly registrarOrgId?: string;
}

/** An import record with the batch row it became and that row's outcome (null while pending). */
export interface ImportedIdentityRecord {
  readonly id: string;
  readonly customerOrgId: string;
  readonly registrarOrgId: string;
  readonly batchId: string;
  readonly rowIndex: number;
  readonly createdAt: string;
  readonly serialNumber: string | null;
  readonly productKeyId: string | null;
  readonly groupTag: string | null;
  readonly assignedUser: string | null;
  /** The hash as stored: canonical padded base64. */
  readonly hardwareHash: string | null;
  readonly status: BatchResultsTable['status'] | null;
  readonly deviceId: string | null;
  readonly code: string | null;
  readonly referenceCode: string | null;
  readonly referenceName: string | null;
  readonly message: string | null;
  readonly remedy: string | null;
}

/**
 * Graph's import records (`importedWindowsAutopilotDeviceIdentity`). Each points at one
 * batch row; its values and state are read from the row, its hash and its result, so
 * there is one source of truth for what happened to the device.
 */
export class ImportedIdentityRepo {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dialect: DialectInfo,
  ) {}

  /** Inserts records, chunked to the dialect's bind-parameter limit (6 columns each). */
  async insert(records: readonly Insertable<ImportedIdentitiesTable>[]): Promise<void> {
    for (const chunk of chunkForBinds(records, 6, this.dialect.maxBindParams)) {
      await this.db.insertInto('imported_identities').values(chunk).execute();
    }
  }

  /** One record visible in `scope`. */
  async find(
    scope: ImportedIdentityScope,
    id: string,
  ): Promise<ImportedIdentityRecord | undefined> {
    const row = await this.joined(scope).where('i.id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  /** The records with these ids visible in `scope`, in id order. */
  async findMany(
    scope: ImportedIdentityScope,
    ids: readonly string[],
  ): Promise<ImportedIdentityRecord[]> {
    const found: ImportedIdentityRecord[] = [];
    // One bind per id, plus the scope's two; well inside every dialect's limit per chunk.
    for (const chunk of chunkForBinds(ids, 1, Math.min(this.dialect.maxBindParams - 2, 1000))) {
      const rows = await this.joined(scope).where('i.id', 'in', chunk).orderBy('i.id').execute();
      found.push(...rows.map(toRecord));
    }
    return found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * Records visible in `scope` by id (time-ordered ids, so oldest first), after the id
   * `after` when given (keyset paging), at most `limit`.
   */
  async list(
    scope: ImportedIdentityScope,
    page: { after?: string; limit: number },
  ): Promise<ImportedIdentityRecord[]> {
    let query = this.joined(scope).orderBy('i.id').limit(page.limit);
    if (page.after !== undefined) {
      query = query.where('i.id', '>', page.after);
    }
    return (await query.execute()).map(toRecord);
  }

  /** Removes a record visible in `scope` (never its batch row); false when there was none. */
  async delete(scope: ImportedIdentityScope, id: string): Promise<boolean> {
    let query = this.db
      .deleteFrom('imported_identities')
      .where('id', '=', id)
      .where('customer_org_id', '=', scope.customerOrgId);
    if (scope.registrarOrgId !== undefined) {
      query = query.where('registrar_org_id', '=', scope.registrarOrgId);
    }
    const result = await query.executeTakeFirst();
    return result.numDeletedRows === 1n;
  }

  private joined(scope: ImportedIdentityScope) {
    let query = this.db
      .selectFrom('imported_identities as i')
      .innerJoin('batch_rows as r', (join) =>
        join.onRef('r.batch_id', '=', 'i.batch_id').onRef('r.row_index', '=', 'i.row_index'),
      )
      .leftJoin('batch_row_hashes as h', (join) =>
        join.onRef('h.batch_id', '=', 'i.batch_id').onRef('h.row_index', '=', 'i.row_index'),
      )
      .leftJoin('batch_results as s', (join) =>
        join.onRef('s.batch_id', '=', 'i.batch_id').onRef('s.row_index', '=', 'i.row_index'),
      )
      .select([
        'i.id',
        'i.customer_org_id',
        'i.registrar_org_id',
        'i.batch_id',
        'i.row_index',
        'i.created_at',
        'r.serial_number',
        'r.product_key_id',
        'r.group_tag',
        'r.assigned_user',
        'h.hardware_hash',
        's.status',
        's.device_id',
        's.code',
        's.reference_code',
        's.reference_name',
        's.message',
        's.remedy',
      ])
      .where('i.customer_org_id', '=', scope.customerOrgId);
    if (scope.registrarOrgId !== undefined) {
      query = query.where('i.registrar_org_id', '=', scope.registrarOrgId);
    }
    return query;
  }
}

interface JoinedRow {
  id: string;
  customer_org_id: string;
  registrar_org_id: string;
  batch_id: string;
  row_index: number;
  created_at: string;
  serial_number: string | null;
  product_key_id: string | null;
  group_tag: string | null;
  assigned_user: string | null;
  hardware_hash: string | null;
  status: BatchResultsTable['status'] | null;
  device_id: string | null;
  code: string | null;
  reference_code: string | null;
  reference_name: string | null;
  message: string | null;
  remedy: string | null;
}

function toRecord(row: JoinedRow): ImportedIdentityRecord {
  return {
    id: row.id,
    customerOrgId: row.customer_org_id,
    registrarOrgId: row.registrar_org_id,
    batchId: row.batch_id,
    // PostgreSQL may hand integers back as strings through some drivers; normalise.
    rowIndex: Number(row.row_index),
    createdAt: row.created_at,
    serialNumber: row.serial_number,
    productKeyId: row.product_key_id,
    groupTag: row.group_tag,
    assignedUser: row.assigned_user,
    hardwareHash: row.hardware_hash,
    status: row.status,
    deviceId: row.device_id,
    code: row.code,
    referenceCode: row.reference_code,
    referenceName: row.reference_name,
    message: row.message,
    remedy: row.remedy,
  };
}
