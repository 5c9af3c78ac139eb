/**
 * Read models of the portal's lists: paged, counted, searched in the database rather than
 * in memory. Every method takes the organisation whose view it is as a required argument.
 * @module
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Organisation } from '../domain/organisation.js';
import type { Relationship, RelationshipPermission } from '../domain/relationship.js';
import type { BatchRow } from './batch.repo.js';
import type { RelationshipsTable, Schema } from './schema.js';

/** A page of rows and how many there are in all. */
export interface CountedPage<T> {
  readonly rows: T[];
  readonly total: number;
}

/** A customer as a registrar sees it: the organisation and its current relationship. */
export interface RegistrarCustomerRow {
  readonly customer: Organisation;
  readonly relationship: Relationship;
}

const LIKE_ESCAPE = '\\';

/** `value` as literal text inside a LIKE pattern. */
function likeLiteral(value: string): string {
  return value.replace(/[\\%_]/g, (c) => LIKE_ESCAPE + c);
}

/** Portal list queries. */
export class PortalViewRepo {
  constructor(private readonly db: Kysely<Schema>) {}

  /**
   * The customers with any relationship to the registrar, by name, each with its current
   * relationship: the active one when there is one (a pair has at most one), else the
   * most recent. `search` matches part of the name or the domain, in any case.
   */
  async registrarCustomers(
    registrarOrgId: string,
    filter: { search?: string; customerOrgId?: string; offset: number; limit: number },
  ): Promise<CountedPage<RegistrarCustomerRow>> {
    const ranked = this.db
      .selectFrom('relationships')
      .selectAll()
      .select(
        sql<number>`row_number() over (partition by customer_org_id order by case when status = 'active' then 0 else 1 end, created_at desc, id desc)`.as(
          'rank',
        ),
      )
      .where('registrar_org_id', '=', registrarOrgId);
    let query = this.db
      .selectFrom(ranked.as('r'))
      .innerJoin('organisations as o', 'o.id', 'r.customer_org_id')
      .where('r.rank', '=', 1);
    if (filter.customerOrgId !== undefined) {
      query = query.where('r.customer_org_id', '=', filter.customerOrgId);
    }
    const search = filter.search?.trim();
    if (search) {
      const pattern = `%${likeLiteral(search)}%`;
      query = query.where((eb) =>
        eb.or([
          sql<boolean>`lower(o.display_name) like lower(${pattern}) escape ${LIKE_ESCAPE}`,
          sql<boolean>`lower(o.domain) like lower(${pattern}) escape ${LIKE_ESCAPE}`,
        ]),
      );
    }
    const [rows, counted] = await Promise.all([
      query
        .selectAll('r')
        .select([
          'o.kind as org_kind',
          'o.display_name as org_display_name',
          'o.domain as org_domain',
          'o.created_at as org_created_at',
        ])
        .orderBy('o.name_key')
        .orderBy('o.id')
        .offset(filter.offset)
        .limit(filter.limit)
        .execute(),
      query.select(({ fn }) => fn.countAll().as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      total: Number(counted.n),
      rows: rows.map((row) => ({
        customer: {
          id: row.customer_org_id,
          kind: row.org_kind,
          displayName: row.org_display_name,
          domain: row.org_domain,
          createdAt: row.org_created_at,
        },
        relationship: toRelationship(row),
      })),
    };
  }

  /** How many devices the registrar registered for each of the customers (absent: none). */
  async registeredDeviceCounts(
    registrarOrgId: string,
    customerOrgIds: readonly string[],
  ): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (customerOrgIds.length === 0) {
      return counts;
    }
    const rows = await this.db
      .selectFrom('devices')
      .select(({ fn }) => ['customer_org_id', fn.countAll().as('n')])
      .where('registered_by_org_id', '=', registrarOrgId)
      .where('customer_org_id', 'in', [...customerOrgIds])
      .groupBy('customer_org_id')
      .execute();
    for (const row of rows) {
      counts.set(row.customer_org_id, Number(row.n));
    }
    return counts;
  }

  /** The group tags of the devices the registrar registered for the customer, most used first. */
  async registeredTags(
    registrarOrgId: string,
    customerOrgId: string,
    limit: number,
  ): Promise<{ tag: string; devices: number }[]> {
    const rows = await this.db
      .selectFrom('devices')
      .select(({ fn }) => ['group_tag', fn.countAll().as('n')])
      .where('customer_org_id', '=', customerOrgId)
      .where('registered_by_org_id', '=', registrarOrgId)
      .where('group_tag', 'is not', null)
      .groupBy('group_tag')
      .orderBy(sql`count(*)`, 'desc')
      .orderBy('group_tag')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ tag: row.group_tag as string, devices: Number(row.n) }));
  }

  /**
   * Batches the organisation registered or received, newest first. Batches still being
   * received are left out: they are not acknowledged and may yet vanish.
   */
  async batches(
    orgId: string,
    filter: { customerOrgId?: string; offset: number; limit: number },
  ): Promise<CountedPage<BatchRow>> {
    let query = this.db
      .selectFrom('batches')
      .where((eb) => eb.or([eb('registrar_org_id', '=', orgId), eb('customer_org_id', '=', orgId)]))
      .where('status', '<>', 'receiving');
    if (filter.customerOrgId !== undefined) {
      query = query.where('customer_org_id', '=', filter.customerOrgId);
    }
    const [rows, counted] = await Promise.all([
      query
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .offset(filter.offset)
        .limit(filter.limit)
        .execute(),
      query.select(({ fn }) => fn.countAll().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(counted.n) };
  }
}

function toRelationship(row: Selectable<RelationshipsTable>): Relationship {
  return {
    id: row.id,
    kind: row.kind,
    registrarOrgId: row.registrar_org_id,
    customerOrgId: row.customer_org_id,
    permissions: JSON.parse(row.permissions) as RelationshipPermission[],
    status: row.status,
    createdAt: row.created_at,
    createdBy: row.created_by,
    invitationExpiresAt: row.invitation_expires_at,
    acceptedAt: row.accepted_at,
    acceptedBy: row.accepted_by,
    endedAt: row.ended_at,
    endedBy: row.ended_by,
  };
}
