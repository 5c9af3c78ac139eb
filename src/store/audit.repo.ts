import type { Kysely, Selectable } from 'kysely';
import type { AuditAction, AuditEvent } from '../domain/audit.js';
import type { AuditEventsTable, Schema } from './schema.js';
import type { Scope } from './scope.js';

/** The append-only audit log. Written in the same transaction as the change it records. */
export class AuditRepo {
  constructor(private readonly db: Kysely<Schema>) {}

  async append(event: AuditEvent): Promise<void> {
    await this.db
      .insertInto('audit_events')
      .values({
        id: event.id,
        at: event.at,
        actor: event.actor,
        acting_org_id: event.actingOrgId,
        counterpart_org_id: event.counterpartOrgId,
        action: event.action,
        subject_type: event.subjectType,
        subject_id: event.subjectId,
        before_json: event.before === null ? null : JSON.stringify(event.before),
        after_json: event.after === null ? null : JSON.stringify(event.after),
      })
      .execute();
  }

  /**
   * The event `id`, if `actingOrgId` caused it and it is an `action`: a record read back
   * as the status of the change it describes.
   */
  async findOwn(
    actingOrgId: string,
    action: AuditAction,
    id: string,
  ): Promise<AuditEvent | undefined> {
    const row = await this.db
      .selectFrom('audit_events')
      .selectAll()
      .where('id', '=', id)
      .where('acting_org_id', '=', actingOrgId)
      .where('action', '=', action)
      .executeTakeFirst();
    return row && toEvent(row);
  }

  /**
   * Events an organisation may read (it acted, or it was the other side), oldest first.
   * Ids are time-ordered (UUID v7), so they break ties between equal timestamps.
   */
  async list(scope: Scope, options: { limit?: number } = {}): Promise<AuditEvent[]> {
    const { limit = 1000 } = options;
    let query = this.db
      .selectFrom('audit_events')
      .selectAll()
      .orderBy('at')
      .orderBy('id')
      .limit(limit);
    if ('orgId' in scope) {
      query = query.where((eb) =>
        eb.or([eb('acting_org_id', '=', scope.orgId), eb('counterpart_org_id', '=', scope.orgId)]),
      );
    }
    const rows = await query.execute();
    return rows.map(toEvent);
  }

  /**
   * One page of the events an organisation may read (see `list`), newest first, and how
   * many there are in all: the portal's audit log.
   */
  async page(
    scope: Scope,
    options: { offset: number; limit: number },
  ): Promise<{ events: AuditEvent[]; total: number }> {
    let rows = this.db.selectFrom('audit_events');
    if ('orgId' in scope) {
      rows = rows.where((eb) =>
        eb.or([eb('acting_org_id', '=', scope.orgId), eb('counterpart_org_id', '=', scope.orgId)]),
      );
    }
    const found = await rows
      .selectAll()
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .offset(options.offset)
      .limit(options.limit)
      .execute();
    const counted = await rows.select(({ fn }) => fn.countAll().as('n')).executeTakeFirstOrThrow();
    return { events: found.map(toEvent), total: Number(counted.n) };
  }
}

function toEvent(row: Selectable<AuditEventsTable>): AuditEvent {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    actingOrgId: row.acting_org_id,
    counterpartOrgId: row.counterpart_org_id,
    action: row.action as AuditAction,
    subjectType: row.subject_type as AuditEvent['subjectType'],
    subjectId: row.subject_id,
    before: row.before_json === null ? null : (JSON.parse(row.before_json) as unknown),
    after: row.after_json === null ? null : (JSON.parse(row.after_json) as unknown),
  };
}
