import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { ruleForGroupTag } from '../../domain/assignment-rule.js';
import { managedDesktopGroupTag, managedDesktopProfile } from '../../domain/deployment-profile.js';

/**
 * Deployment profiles, assignment rules, batches with their rows and results, and
 * devices. What the database guarantees:
 * - one owner per device: the hash digest, the product key id and the
 *   manufacturer+model+serial tuple are each unique across all customers, so two
 *   partners registering one device at once end with one row and one conflict;
 * - a rule and a device only ever point at a profile of their own customer (composite
 *   foreign keys on (profile id, customer id));
 * - a batch id chosen by the client is unique per registrar and customer;
 * - every result belongs to a stored row, and a device to the batch row it came from.
 * The hash text is stored once, in batch_row_hashes; devices index its SHA-256 digest only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('deployment_profiles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_org_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('built_in', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('deployment_profiles_name_key', ['customer_org_id', 'name_key'])
    .addUniqueConstraint('deployment_profiles_id_customer_key', ['id', 'customer_org_id'])
    .execute();

  await db.schema
    .createTable('assignment_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_org_id', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addForeignKeyConstraint(
      'assignment_rules_profile_fkey',
      ['profile_id', 'customer_org_id'],
      'deployment_profiles',
      ['id', 'customer_org_id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('assignment_rules_customer_idx')
    .on('assignment_rules')
    .column('customer_org_id')
    .execute();

  await db.schema
    .createTable('batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('registrar_org_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('customer_org_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('client_batch_id', 'text')
    .addColumn('content_digest', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text')
    .addColumn('group_tag', 'text')
    .addColumn('strict_tags', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('total_rows', 'integer', (c) => c.notNull())
    .addColumn('registered_rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed_rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('warning_rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'text')
    .addColumn('failure_reason', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('batches_client_batch_id_key', [
      'registrar_org_id',
      'customer_org_id',
      'client_batch_id',
    ])
    .addCheckConstraint(
      'batches_status_check',
      sql`status in ('receiving', 'queued', 'processing', 'finished', 'finished_with_errors', 'failed')`,
    )
    .addCheckConstraint('batches_counts_check', sql`registered_rows + failed_rows <= total_rows`)
    .execute();
  await db.schema
    .createIndex('batches_status_idx')
    .on('batches')
    .columns(['status', 'created_at'])
    .execute();
  await db.schema
    .createIndex('batches_customer_idx')
    .on('batches')
    .columns(['customer_org_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('batch_rows')
    .addColumn('batch_id', 'text', (c) => c.notNull().references('batches.id').onDelete('cascade'))
    .addColumn('row_index', 'integer', (c) => c.notNull())
    .addColumn('line', 'integer')
    .addColumn('serial_number', 'text')
    .addColumn('product_key_id', 'text')
    .addColumn('hash_digest', 'text')
    .addColumn('manufacturer', 'text')
    .addColumn('model', 'text')
    .addColumn('tuple_key', 'text')
    .addColumn('group_tag', 'text')
    .addColumn('purchase_order_id', 'text')
    .addColumn('assigned_user', 'text')
    .addColumn('issues', 'text')
    .addPrimaryKeyConstraint('batch_rows_pkey', ['batch_id', 'row_index'])
    .execute();

  // The 4 KB hash text lives apart from the row, so the worker's scans over batch_rows
  // stay small (it needs only the digest) while the text is still kept exactly once.
  await db.schema
    .createTable('batch_row_hashes')
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('row_index', 'integer', (c) => c.notNull())
    .addColumn('hardware_hash', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('batch_row_hashes_pkey', ['batch_id', 'row_index'])
    .addForeignKeyConstraint(
      'batch_row_hashes_row_fkey',
      ['batch_id', 'row_index'],
      'batch_rows',
      ['batch_id', 'row_index'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();

  await db.schema
    .createTable('batch_results')
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('row_index', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('code', 'text')
    .addColumn('reference_code', 'text')
    .addColumn('reference_name', 'text')
    .addColumn('message', 'text')
    .addColumn('remedy', 'text')
    .addColumn('device_id', 'text')
    .addColumn('profile_id', 'text')
    .addColumn('warnings', 'text')
    .addPrimaryKeyConstraint('batch_results_pkey', ['batch_id', 'row_index'])
    .addForeignKeyConstraint(
      'batch_results_row_fkey',
      ['batch_id', 'row_index'],
      'batch_rows',
      ['batch_id', 'row_index'],
      (fk) => fk.onDelete('cascade'),
    )
    .addCheckConstraint('batch_results_status_check', sql`status in ('registered', 'failed')`)
    .execute();

  await db.schema
    .createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_org_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('hash_digest', 'text')
    .addColumn('product_key_id', 'text')
    .addColumn('tuple_key', 'text')
    .addColumn('serial_number', 'text')
    .addColumn('manufacturer', 'text')
    .addColumn('model', 'text')
    .addColumn('group_tag', 'text')
    .addColumn('purchase_order_id', 'text')
    .addColumn('assigned_user', 'text')
    .addColumn('display_name', 'text')
    .addColumn('registered_by_org_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('registered_by', 'text', (c) => c.notNull())
    .addColumn('registered_at', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('batch_row_index', 'integer', (c) => c.notNull())
    .addColumn('profile_id', 'text')
    .addColumn('profile_status', 'text', (c) => c.notNull())
    .addColumn('profile_assigned_at', 'text')
    .addForeignKeyConstraint(
      'devices_batch_row_fkey',
      ['batch_id', 'batch_row_index'],
      'batch_rows',
      ['batch_id', 'row_index'],
    )
    .addForeignKeyConstraint(
      'devices_profile_fkey',
      ['profile_id', 'customer_org_id'],
      'deployment_profiles',
      ['id', 'customer_org_id'],
    )
    .addCheckConstraint(
      'devices_identity_check',
      sql`hash_digest is not null or product_key_id is not null or tuple_key is not null`,
    )
    .addCheckConstraint(
      'devices_profile_status_check',
      sql`profile_status in ('notAssigned', 'pending', 'assignedInSync', 'assignedOutOfSync', 'failed')`,
    )
    .execute();
  // One owner per device: each identity key is unique across all customers. Partial
  // indexes, because most devices have no product key id (and some no tuple), and an
  // index of NULLs would cost every insert without deciding anything.
  for (const key of ['hash_digest', 'product_key_id', 'tuple_key'] as const) {
    await db.schema
      .createIndex(`devices_${key}_key`)
      .on('devices')
      .column(key)
      .unique()
      .where(sql.ref(key), 'is not', null)
      .execute();
  }
  await db.schema
    .createIndex('devices_customer_serial_idx')
    .on('devices')
    .columns(['customer_org_id', 'serial_number'])
    .execute();
  await db.schema
    .createIndex('devices_customer_tag_idx')
    .on('devices')
    .columns(['customer_org_id', 'group_tag'])
    .execute();

  // Customers created before this migration get the built-in profile new ones get.
  const customers = await sql<{
    id: string;
    created_at: string;
  }>`select id, created_at from organisations where kind = 'customer'`.execute(db);
  for (const customer of customers.rows) {
    const profileId = randomUUID();
    const name = managedDesktopProfile.displayName;
    await sql`insert into deployment_profiles (id, customer_org_id, display_name, name_key, description, settings, built_in, created_at, updated_at)
      values (${profileId}, ${customer.id}, ${name}, ${name.toLowerCase()}, ${managedDesktopProfile.description}, ${JSON.stringify(managedDesktopProfile)}, 1, ${customer.created_at}, ${customer.created_at})`.execute(
      db,
    );
    await sql`insert into assignment_rules (id, customer_org_id, profile_id, rule, created_at, created_by)
      values (${randomUUID()}, ${customer.id}, ${profileId}, ${ruleForGroupTag(managedDesktopGroupTag)}, ${customer.created_at}, 'preflight')`.execute(
      db,
    );
  }
}

/** Drops everything `up` created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'devices',
    'batch_results',
    'batch_row_hashes',
    'batch_rows',
    'batches',
    'assignment_rules',
    'deployment_profiles',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
