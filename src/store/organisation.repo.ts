import type { Kysely, Selectable } from 'kysely';
import { PreflightError } from '../domain/errors.js';
import type { Organisation, OrgKind } from '../domain/organisation.js';
import { isUniqueViolation } from './constraint-error.js';
import type { OrganisationsTable, Schema } from './schema.js';

/** Organisations. Operator-level: tenants do not list each other. */
export class OrganisationRepo {
  constructor(private readonly db: Kysely<Schema>) {}

  /** Inserts an organisation; a duplicate name or domain becomes a domain error. */
  async insert(org: Organisation, nameKey: string): Promise<void> {
    try {
      await this.db
        .insertInto('organisations')
        .values({
          id: org.id,
          kind: org.kind,
          display_name: org.displayName,
          name_key: nameKey,
          domain: org.domain,
          created_at: org.createdAt,
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error, 'name_key')) {
        throw new PreflightError(
          'org.duplicate_name',
          `An organisation named "${org.displayName}" already exists.`,
          {
            name: org.displayName,
          },
        );
      }
      if (isUniqueViolation(error, 'domain')) {
        throw new PreflightError(
          'org.duplicate_domain',
          `The domain ${org.domain} already belongs to an organisation.`,
          {
            domain: org.domain,
          },
        );
      }
      throw error;
    }
  }

  async findById(id: string): Promise<Organisation | undefined> {
    const row = await this.db
      .selectFrom('organisations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toOrganisation(row);
  }

  /** Finds an organisation by id, by name (any case) or by tenant domain. */
  async findByRef(ref: string, nameKey: string): Promise<Organisation | undefined> {
    const row = await this.db
      .selectFrom('organisations')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('id', '=', ref),
          eb('name_key', '=', nameKey),
          eb('domain', '=', ref.toLowerCase()),
        ]),
      )
      .executeTakeFirst();
    return row && toOrganisation(row);
  }

  async list(filter: { kind?: OrgKind } = {}): Promise<Organisation[]> {
    let query = this.db.selectFrom('organisations').selectAll().orderBy('created_at').orderBy('id');
    if (filter.kind) {
      query = query.where('kind', '=', filter.kind);
    }
    return (await query.execute()).map(toOrganisation);
  }
}

function toOrganisation(row: Selectable<OrganisationsTable>): Organisation {
  return {
    id: row.id,
    kind: row.kind,
    displayName: row.display_name,
    domain: row.domain,
    createdAt: row.created_at,
  };
}
