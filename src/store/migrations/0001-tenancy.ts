import { sql, type Kysely } from 'kysely';

/**
 * Organisations, users, API clients, relationships and the audit log. The rules that
 * matter are constraints, so no code path can break them: unique names and domains,
 * relationships only from a partner/OEM to a customer (composite foreign keys on the
 * organisation's kind), at most one active relationship per pair (partial unique index).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('organisations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull().unique())
    .addColumn('domain', 'text', (c) => c.unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addCheckConstraint('organisations_kind_check', sql`kind in ('partner', 'oem', 'customer')`)
    .addUniqueConstraint('organisations_id_kind_key', ['id', 'kind'])
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('memberships')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('org_id', 'text', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('memberships_pkey', ['user_id', 'org_id'])
    .addCheckConstraint('memberships_role_check', sql`role in ('admin', 'agent', 'reader')`)
    .execute();
  await db.schema.createIndex('memberships_org_idx').on('memberships').column('org_id').execute();

  await db.schema
    .createTable('api_clients')
    .addColumn('client_id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_clients_org_idx').on('api_clients').column('org_id').execute();

  await db.schema
    .createTable('relationships')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('registrar_org_id', 'text', (c) => c.notNull())
    .addColumn('registrar_kind', 'text', (c) => c.notNull())
    .addColumn('customer_org_id', 'text', (c) => c.notNull())
    .addColumn('customer_kind', 'text', (c) => c.notNull().defaultTo('customer'))
    .addColumn('permissions', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('invitation_token_digest', 'text', (c) => c.notNull().unique())
    .addColumn('invitation_expires_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'text')
    .addColumn('accepted_by', 'text')
    .addColumn('ended_at', 'text')
    .addColumn('ended_by', 'text')
    .addForeignKeyConstraint(
      'relationships_registrar_fkey',
      ['registrar_org_id', 'registrar_kind'],
      'organisations',
      ['id', 'kind'],
    )
    .addForeignKeyConstraint(
      'relationships_customer_fkey',
      ['customer_org_id', 'customer_kind'],
      'organisations',
      ['id', 'kind'],
    )
    .addCheckConstraint('relationships_kind_check', sql`kind in ('reseller', 'oem')`)
    .addCheckConstraint(
      'relationships_registrar_kind_check',
      sql`registrar_kind in ('partner', 'oem')`,
    )
    .addCheckConstraint('relationships_customer_kind_check', sql`customer_kind = 'customer'`)
    .addCheckConstraint(
      'relationships_status_check',
      sql`status in ('invited', 'active', 'revoked', 'expired')`,
    )
    .addCheckConstraint(
      'relationships_accepted_check',
      sql`(status = 'active') = (accepted_at is not null and ended_at is null)`,
    )
    .execute();
  await db.schema
    .createIndex('relationships_one_active_per_pair')
    .on('relationships')
    .columns(['registrar_org_id', 'customer_org_id'])
    .unique()
    .where(sql.ref('status'), '=', 'active')
    .execute();
  await db.schema
    .createIndex('relationships_customer_idx')
    .on('relationships')
    .column('customer_org_id')
    .execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('acting_org_id', 'text')
    .addColumn('counterpart_org_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('before_json', 'text')
    .addColumn('after_json', 'text')
    .execute();
  await db.schema
    .createIndex('audit_events_acting_idx')
    .on('audit_events')
    .columns(['acting_org_id', 'at'])
    .execute();
  await db.schema
    .createIndex('audit_events_counterpart_idx')
    .on('audit_events')
    .columns(['counterpart_org_id', 'at'])
    .execute();
}

/** Drops everything `up` created (used by tests; production never goes down). */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'audit_events',
    'relationships',
    'api_clients',
    'memberships',
    'users',
    'organisations',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
