import {
  CompiledQuery,
  sql,
  type Expression,
  type InferResult,
  type Insertable,
  type Kysely,
  type Selectable,
  type SqlBool,
} from 'kysely';
import type { Device, DeviceKeys } from '../domain/device.js';
import type { DialectInfo } from './dialects/dialect.js';
import { chunkForBinds } from './chunk.js';
import type { DevicesTable, ProfileStatusColumn, Schema } from './schema.js';

/** Who may see devices: their owner (customer), the registrar that added them, or the operator. */
export type DeviceScope =
  | { readonly customerOrgId: string }
  | { readonly registrarOrgId: string; readonly customerOrgId?: string }
  | { readonly operator: true };

/** The owner of a device found by one of its keys. */
export interface DeviceOwnerRow {
  readonly id: string;
  readonly customerOrgId: string;
  readonly hashDigest: string | null;
  readonly productKeyId: string | null;
  readonly tupleKey: string | null;
  readonly batchId: string;
  readonly batchRowIndex: number;
}

/** The device properties a condition may test, spelled as Graph spells them. */
export const deviceConditionFields = ['serialNumber', 'groupTag', 'manufacturer', 'model'] as const;
export type DeviceConditionField = (typeof deviceConditionFields)[number];

/**
 * One test on a device property (what an OData `$filter` term becomes). `eq` is exact,
 * case included; `contains` and `startswith` ignore the case of ASCII letters (both sides
 * go through the database's `lower()`, which folds only ASCII on SQLite, so letters
 * beyond ASCII compare case-sensitively there). A device whose property is empty matches
 * no condition on it.
 */
export interface DeviceCondition {
  readonly field: DeviceConditionField;
  readonly op: 'eq' | 'contains' | 'startswith';
  readonly value: string;
}

/** Filters for listing devices. */
export interface DeviceFilter {
  readonly serialNumber?: string;
  readonly groupTag?: string;
  readonly profileStatus?: ProfileStatusColumn;
  /** Only devices assigned this profile (Graph `assignedDevices`). */
  readonly profileId?: string;
  /** All must hold. */
  readonly conditions?: readonly DeviceCondition[];
  /**
   * `registration` (the default): registration time, then batch and row, for people.
   * `id`: by device id, the order keyset paging (`after`) walks.
   */
  readonly order?: 'registration' | 'id';
  /** Keyset paging: only devices whose id sorts after this one; implies `order: 'id'`. */
  readonly after?: string;
  readonly offset?: number;
  readonly limit?: number;
}

const conditionColumns = {
  serialNumber: 'serial_number',
  groupTag: 'group_tag',
  manufacturer: 'manufacturer',
  model: 'model',
} as const satisfies Record<DeviceConditionField, keyof DevicesTable>;

/**
 * The escape character of LIKE patterns built here. Neither database has a default one
 * (PostgreSQL's is a backslash, SQLite has none), so every pattern names it in an ESCAPE
 * clause, bound as a parameter so no string-literal syntax setting can change it.
 */
const LIKE_ESCAPE = '\\';

/** `value` as literal text inside a LIKE pattern: `%`, `_` and the escape character escaped. */
function likeLiteral(value: string): string {
  return value.replace(/[\\%_]/g, (c) => LIKE_ESCAPE + c);
}

/** The SQL test for one condition. */
function conditionSql(condition: DeviceCondition): Expression<SqlBool> {
  const column = sql.ref(`devices.${conditionColumns[condition.field]}`);
  switch (condition.op) {
    case 'eq':
      return sql<SqlBool>`${column} = ${condition.value}`;
    case 'contains':
    case 'startswith': {
      const pattern = `${condition.op === 'contains' ? '%' : ''}${likeLiteral(condition.value)}%`;
      // lower() on both sides: PostgreSQL's LIKE is case-sensitive, SQLite's is not, and
      // folding both sides in the same database keeps the two in agreement.
      return sql<SqlBool>`lower(${column}) like lower(${pattern}) escape ${LIKE_ESCAPE}`;
    }
  }
}

/** What first boot needs of a device with an assigned profile, read in one query. */
export interface FirstBootRecord {
  readonly deviceId: string;
  readonly customerOrgId: string;
  /** The customer's tenant domain, or null when it has none. */
  readonly customerDomain: string | null;
  readonly profileId: string;
  /** JSON of DeploymentProfileSettings, as stored. */
  readonly profileSettings: string;
  readonly profileUpdatedAt: string;
}

/** The one key a device presents at first boot: a hash digest, or a tuple key. */
export type FirstBootKey =
  | { readonly hashDigest: string }
  | { readonly tupleKey: string }
  | { readonly productKeyId: string };

/**
 * The first-boot query: one device by a unique key, joined to its customer and its
 * profile by primary key. `hash_digest = ?` and `tuple_key = ?` each imply the `is not
 * null` of the partial unique index on that column, so both databases use the index.
 * Exported for the query-plan test.
 */
export function firstBootQuery(db: Kysely<Schema>, key: FirstBootKey) {
  const query = db
    .selectFrom('devices')
    .innerJoin('organisations', 'organisations.id', 'devices.customer_org_id')
    // Inner join: a device without a profile has no first-boot record. By primary key
    // only: devices_profile_fkey already ties the profile to the device's customer, and
    // the shorter join halved PostgreSQL's planning time, the larger part of this query.
    .innerJoin('deployment_profiles', 'deployment_profiles.id', 'devices.profile_id')
    .select([
      'devices.id as device_id',
      'devices.customer_org_id',
      'organisations.domain',
      'deployment_profiles.id as profile_id',
      'deployment_profiles.settings',
      'deployment_profiles.updated_at',
    ]);
  if ('hashDigest' in key) {
    return query.where('devices.hash_digest', '=', key.hashDigest);
  }
  return 'tupleKey' in key
    ? query.where('devices.tuple_key', '=', key.tupleKey)
    : query.where('devices.product_key_id', '=', key.productKeyId);
}

type FirstBootRow = InferResult<ReturnType<typeof firstBootQuery>>[number];

/** Registered devices. Uniqueness of every identity key is the database's job. */
export class DeviceRepo {
  private firstBootCompiled:
    Record<'byHash' | 'byTuple' | 'byProductKey', CompiledQuery> | undefined;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dialect: DialectInfo,
  ) {}

  /**
   * Inserts devices, skipping any whose key is already taken (by a committed row or one of
   * a concurrent transaction, which PostgreSQL waits for). Returns the ids inserted.
   */
  async insertNew(devices: readonly Insertable<DevicesTable>[]): Promise<Set<string>> {
    const inserted = new Set<string>();
    if (this.db.isTransaction) {
      const done = await this.dialect.bulkWriter.insert(this.db, 'devices', devices, {
        skipConflicts: true,
        key: 'id',
      });
      done.forEach((ok, i) => {
        if (ok) {
          inserted.add(devices[i]!.id as string);
        }
      });
      return inserted;
    }
    for (const chunk of chunkForBinds(devices, 20, this.dialect.maxBindParams)) {
      const rows = await this.db
        .insertInto('devices')
        .values(chunk)
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .execute();
      for (const row of rows) {
        inserted.add(row.id);
      }
    }
    return inserted;
  }

  /** The devices holding any of the given keys (for conflicts: 806 or 808). Not tenant-scoped on purpose. */
  async ownersOf(keys: readonly DeviceKeys[]): Promise<DeviceOwnerRow[]> {
    const digests = keys.map((k) => k.hashDigest).filter((v): v is string => v !== null);
    const pkids = keys.map((k) => k.productKeyId).filter((v): v is string => v !== null);
    const tuples = keys.map((k) => k.tupleKey).filter((v): v is string => v !== null);
    if (digests.length + pkids.length + tuples.length === 0) {
      return [];
    }
    const found = new Map<string, DeviceOwnerRow>();
    const perList = Math.max(1, Math.floor(this.dialect.maxBindParams / 3));
    for (let i = 0; i < Math.max(digests.length, pkids.length, tuples.length); i += perList) {
      const d = digests.slice(i, i + perList);
      const p = pkids.slice(i, i + perList);
      const t = tuples.slice(i, i + perList);
      const rows = await this.db
        .selectFrom('devices')
        .select([
          'id',
          'customer_org_id',
          'hash_digest',
          'product_key_id',
          'tuple_key',
          'batch_id',
          'batch_row_index',
        ])
        .where((eb) =>
          eb.or([
            ...(d.length ? [eb('hash_digest', 'in', d)] : []),
            ...(p.length ? [eb('product_key_id', 'in', p)] : []),
            ...(t.length ? [eb('tuple_key', 'in', t)] : []),
          ]),
        )
        .execute();
      for (const row of rows) {
        found.set(row.id, {
          id: row.id,
          customerOrgId: row.customer_org_id,
          hashDigest: row.hash_digest,
          productKeyId: row.product_key_id,
          tupleKey: row.tuple_key,
          batchId: row.batch_id,
          batchRowIndex: Number(row.batch_row_index),
        });
      }
    }
    return [...found.values()];
  }

  /**
   * The device holding `key`, with its customer's domain and its assigned profile, or
   * undefined when no device holds the key or it has no profile. Not tenant-scoped on
   * purpose: it serves devices at first boot, which have no tenant and no token — the
   * hardware hash (or tuple) is the device's own proof of identity.
   */
  async firstBootRecord(key: FirstBootKey): Promise<FirstBootRecord | undefined> {
    const sql = this.firstBootSql();
    const [query, value] =
      'hashDigest' in key
        ? [sql.byHash, key.hashDigest]
        : 'tupleKey' in key
          ? [sql.byTuple, key.tupleKey]
          : [sql.byProductKey, key.productKeyId];
    const name =
      'hashDigest' in key
        ? 'first_boot_hash'
        : 'tupleKey' in key
          ? 'first_boot_tuple'
          : 'first_boot_pkid';
    const rows =
      this.dialect.preparedRead && !this.db.isTransaction
        ? await this.dialect.preparedRead<FirstBootRow>(name, query.sql, [value])
        : (await this.db.executeQuery<FirstBootRow>(CompiledQuery.raw(query.sql, [value]))).rows;
    const row = rows[0];
    return (
      row && {
        deviceId: row.device_id,
        customerOrgId: row.customer_org_id,
        customerDomain: row.domain,
        profileId: row.profile_id,
        profileSettings: row.settings,
        profileUpdatedAt: row.updated_at,
      }
    );
  }

  /**
   * The first-boot statements, compiled once per repository: building and compiling the
   * query tree took about a third of each lookup, on a path that must serve thousands
   * a second. Each has exactly one parameter, the key.
   */
  private firstBootSql(): Record<'byHash' | 'byTuple' | 'byProductKey', CompiledQuery> {
    if (!this.firstBootCompiled) {
      const compiled = {
        byHash: firstBootQuery(this.db, { hashDigest: '' }).compile(),
        byTuple: firstBootQuery(this.db, { tupleKey: '' }).compile(),
        byProductKey: firstBootQuery(this.db, { productKeyId: '' }).compile(),
      };
      if (Object.values(compiled).some((q) => q.parameters.length !== 1)) {
        throw new Error('The first-boot query must have exactly one parameter.');
      }
      this.firstBootCompiled = compiled;
    }
    return this.firstBootCompiled;
  }

  /** One device visible in `scope`. */
  async find(scope: DeviceScope, id: string): Promise<Device | undefined> {
    const row = await this.scoped(scope).where('id', '=', id).executeTakeFirst();
    return row && toDevice(row);
  }

  /** Devices visible in `scope` matching a serial number exactly or a hash digest. */
  async findByIdentifier(scope: DeviceScope, identifier: string): Promise<Device[]> {
    const rows = await this.scoped(scope)
      .where((eb) =>
        eb.or([
          eb('id', '=', identifier),
          eb('serial_number', '=', identifier),
          eb('hash_digest', '=', identifier),
        ]),
      )
      .limit(100)
      .execute();
    return rows.map(toDevice);
  }

  /**
   * Devices visible in `scope` that pass `filter`: by default in the order they were
   * registered (batch, then row); by id with `order: 'id'` or `after`. At most
   * `limit` (default 1000).
   */
  async list(scope: DeviceScope, filter: DeviceFilter = {}): Promise<Device[]> {
    let query = this.filtered(scope, filter).selectAll();
    if (filter.after !== undefined || filter.order === 'id') {
      query = query.orderBy('id');
    } else {
      query = query.orderBy('registered_at').orderBy('batch_id').orderBy('batch_row_index');
    }
    if (filter.after !== undefined) {
      query = query.where('id', '>', filter.after);
    }
    const rows = await query
      .offset(filter.offset ?? 0)
      .limit(filter.limit ?? 1000)
      .execute();
    return rows.map(toDevice);
  }

  /** How many devices visible in `scope` pass `filter` (its paging fields are ignored). */
  async count(scope: DeviceScope, filter: DeviceFilter = {}): Promise<number> {
    const row = await this.filtered(scope, filter)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Removes a device visible in `scope`; returns false when there was none. */
  async delete(scope: DeviceScope, id: string): Promise<boolean> {
    let query = this.db.deleteFrom('devices').where('id', '=', id);
    if ('customerOrgId' in scope && scope.customerOrgId !== undefined) {
      query = query.where('customer_org_id', '=', scope.customerOrgId);
    }
    if ('registrarOrgId' in scope) {
      query = query.where('registered_by_org_id', '=', scope.registrarOrgId);
    }
    const result = await query.executeTakeFirst();
    return result.numDeletedRows === 1n;
  }

  /** Sets the group tag of a customer's device. */
  async setGroupTag(customerOrgId: string, id: string, groupTag: string | null): Promise<boolean> {
    const result = await this.db
      .updateTable('devices')
      .set({ group_tag: groupTag })
      .where('id', '=', id)
      .where('customer_org_id', '=', customerOrgId)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /**
   * Sets the assigned user and/or display name of a customer's device (Graph
   * `updateDeviceProperties`); a property left out is kept. False when there is no such device.
   */
  async setProperties(
    customerOrgId: string,
    id: string,
    changes: { readonly assignedUser?: string | null; readonly displayName?: string | null },
  ): Promise<boolean> {
    const values = {
      ...(changes.assignedUser !== undefined ? { assigned_user: changes.assignedUser } : {}),
      ...(changes.displayName !== undefined ? { display_name: changes.displayName } : {}),
    };
    if (Object.keys(values).length === 0) {
      return (await this.find({ customerOrgId }, id)) !== undefined;
    }
    const result = await this.db
      .updateTable('devices')
      .set(values)
      .where('id', '=', id)
      .where('customer_org_id', '=', customerOrgId)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /** Records a device's profile assignment. */
  async setAssignment(
    customerOrgId: string,
    id: string,
    assignment: { profileId: string | null; status: ProfileStatusColumn; at: string | null },
  ): Promise<void> {
    await this.db
      .updateTable('devices')
      .set({
        profile_id: assignment.profileId,
        profile_status: assignment.status,
        profile_assigned_at: assignment.at,
      })
      .where('id', '=', id)
      .where('customer_org_id', '=', customerOrgId)
      .execute();
  }

  /** Every device of a customer with the fields assignment rules look at, in pages. */
  async assignmentInputs(
    customerOrgId: string,
    afterId: string,
    limit: number,
  ): Promise<
    {
      id: string;
      groupTag: string | null;
      purchaseOrderId: string | null;
      profileId: string | null;
    }[]
  > {
    const rows = await this.db
      .selectFrom('devices')
      .select(['id', 'group_tag', 'purchase_order_id', 'profile_id'])
      .where('customer_org_id', '=', customerOrgId)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      groupTag: r.group_tag,
      purchaseOrderId: r.purchase_order_id,
      profileId: r.profile_id,
    }));
  }

  private scoped(scope: DeviceScope) {
    return this.from(scope).selectAll();
  }

  private from(scope: DeviceScope) {
    let query = this.db.selectFrom('devices');
    if ('customerOrgId' in scope && scope.customerOrgId !== undefined) {
      query = query.where('customer_org_id', '=', scope.customerOrgId);
    }
    if ('registrarOrgId' in scope) {
      query = query.where('registered_by_org_id', '=', scope.registrarOrgId);
    }
    return query;
  }

  /** Devices in `scope` passing the filter's tests (not its order or paging). */
  private filtered(scope: DeviceScope, filter: DeviceFilter) {
    let query = this.from(scope);
    if (filter.serialNumber !== undefined) {
      query = query.where('serial_number', '=', filter.serialNumber);
    }
    if (filter.groupTag !== undefined) {
      query = query.where('group_tag', '=', filter.groupTag);
    }
    if (filter.profileId !== undefined) {
      query = query.where('profile_id', '=', filter.profileId);
    }
    if (filter.profileStatus !== undefined) {
      query = query.where('profile_status', '=', filter.profileStatus);
    }
    for (const condition of filter.conditions ?? []) {
      query = query.where(conditionSql(condition));
    }
    return query;
  }
}

function toDevice(row: Selectable<DevicesTable>): Device {
  return {
    id: row.id,
    customerOrgId: row.customer_org_id,
    hashDigest: row.hash_digest,
    productKeyId: row.product_key_id,
    serialNumber: row.serial_number,
    manufacturer: row.manufacturer,
    model: row.model,
    groupTag: row.group_tag,
    purchaseOrderId: row.purchase_order_id,
    assignedUser: row.assigned_user,
    displayName: row.display_name,
    registeredByOrgId: row.registered_by_org_id,
    registeredBy: row.registered_by,
    registeredAt: row.registered_at,
    batchId: row.batch_id,
    profileId: row.profile_id,
    profileStatus: row.profile_status,
    profileAssignedAt: row.profile_assigned_at,
  };
}
