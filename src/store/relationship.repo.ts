import type { Kysely, Selectable } from 'kysely';
import { PreflightError } from '../domain/errors.js';
import type {
  Relationship,
  RelationshipPermission,
  RelationshipStatus,
} from '../domain/relationship.js';
import { isUniqueViolation } from './constraint-error.js';
import type { RelationshipsTable, Schema } from './schema.js';
import type { Scope } from './scope.js';

/** Relationships between a partner or OEM and a customer; every read is scoped. */
export class RelationshipRepo {
  constructor(private readonly db: Kysely<Schema>) {}

  async insert(
    rel: Relationship,
    registrarKind: 'partner' | 'oem',
    tokenDigest: string,
  ): Promise<void> {
    await this.db
      .insertInto('relationships')
      .values({
        id: rel.id,
        kind: rel.kind,
        registrar_org_id: rel.registrarOrgId,
        registrar_kind: registrarKind,
        customer_org_id: rel.customerOrgId,
        customer_kind: 'customer',
        permissions: JSON.stringify(rel.permissions),
        status: rel.status,
        invitation_token_digest: tokenDigest,
        invitation_expires_at: rel.invitationExpiresAt,
        created_at: rel.createdAt,
        created_by: rel.createdBy,
        accepted_at: rel.acceptedAt,
        accepted_by: rel.acceptedBy,
        ended_at: rel.endedAt,
        ended_by: rel.endedBy,
      })
      .execute();
  }

  /** The relationship an invitation token (by its digest) belongs to. The token is the credential. */
  async findByTokenDigest(digest: string): Promise<Relationship | undefined> {
    const row = await this.db
      .selectFrom('relationships')
      .selectAll()
      .where('invitation_token_digest', '=', digest)
      .executeTakeFirst();
    return row && toRelationship(row);
  }

  /** A relationship visible in `scope`: the organisation is one of its two sides. */
  async find(scope: Scope, id: string): Promise<Relationship | undefined> {
    let query = this.db.selectFrom('relationships').selectAll().where('id', '=', id);
    if ('orgId' in scope) {
      query = query.where((eb) =>
        eb.or([eb('registrar_org_id', '=', scope.orgId), eb('customer_org_id', '=', scope.orgId)]),
      );
    }
    const row = await query.executeTakeFirst();
    return row && toRelationship(row);
  }

  /** Every relationship of the organisation in `scope`, newest first. */
  async list(scope: Scope): Promise<Relationship[]> {
    let query = this.db
      .selectFrom('relationships')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id');
    if ('orgId' in scope) {
      query = query.where((eb) =>
        eb.or([eb('registrar_org_id', '=', scope.orgId), eb('customer_org_id', '=', scope.orgId)]),
      );
    }
    return (await query.execute()).map(toRelationship);
  }

  /** The pair's active relationship, if any. */
  async findActive(
    registrarOrgId: string,
    customerOrgId: string,
  ): Promise<Relationship | undefined> {
    const row = await this.db
      .selectFrom('relationships')
      .selectAll()
      .where('registrar_org_id', '=', registrarOrgId)
      .where('customer_org_id', '=', customerOrgId)
      .where('status', '=', 'active')
      .executeTakeFirst();
    return row && toRelationship(row);
  }

  /** True when the pair has an active relationship. */
  async hasActive(registrarOrgId: string, customerOrgId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('relationships')
      .select('id')
      .where('registrar_org_id', '=', registrarOrgId)
      .where('customer_org_id', '=', customerOrgId)
      .where('status', '=', 'active')
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Writes a status change, but only if the row is still in `from` — so two concurrent
   * acceptances of one invitation cannot both succeed. Returns false when it was not.
   * The unique index on active pairs turns a concurrent second activation into a
   * `relationship.already_active` error.
   */
  async transition(rel: Relationship, from: RelationshipStatus): Promise<boolean> {
    try {
      const result = await this.db
        .updateTable('relationships')
        .set({
          status: rel.status,
          accepted_at: rel.acceptedAt,
          accepted_by: rel.acceptedBy,
          ended_at: rel.endedAt,
          ended_by: rel.endedBy,
        })
        .where('id', '=', rel.id)
        .where('status', '=', from)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    } catch (error) {
      if (isUniqueViolation(error, 'relationships')) {
        throw new PreflightError(
          'relationship.already_active',
          'This customer already has an active relationship with this partner or OEM.',
          { relationshipId: rel.id },
        );
      }
      throw error;
    }
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
