import type { Kysely } from 'kysely';

/**
 * What the HTTP API needs beyond the registration engine:
 * - signing keys for access tokens, in the database so every node of a deployment signs
 *   and verifies with the same keys (a key file per node would make tokens node-bound);
 * - Graph's import records (`importedWindowsAutopilotDeviceIdentity`), each pointing at
 *   the batch row it became, so its state is read from the row's result;
 * - Partner Center's device-batch name on each upload;
 * - who manages a profile: null for the customer itself, or the partner that created it
 *   through Partner Center (which sees only the profiles it created);
 * - an index on devices by batch (Partner Center lists and counts a batch's devices);
 * - a profile applied to a device directly (Partner Center `DevicePolicyUpdates`), which
 *   takes precedence over tag rules; it belongs to the device's own customer (composite
 *   foreign key) and disappears with the device.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('private_jwk', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('imported_identities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_org_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('registrar_org_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('row_index', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addForeignKeyConstraint(
      'imported_identities_row_fkey',
      ['batch_id', 'row_index'],
      'batch_rows',
      ['batch_id', 'row_index'],
    )
    .execute();
  await db.schema
    .createIndex('imported_identities_customer_idx')
    .on('imported_identities')
    .columns(['customer_org_id', 'id'])
    .execute();

  await db.schema.alterTable('batches').addColumn('device_batch_name', 'text').execute();
  await db.schema
    .createIndex('batches_device_batch_idx')
    .on('batches')
    .columns(['registrar_org_id', 'customer_org_id', 'device_batch_name'])
    .execute();

  // Partner Center lists a device batch's devices and counts them, by batch.
  await db.schema.createIndex('devices_batch_idx').on('devices').column('batch_id').execute();

  await db.schema
    .alterTable('deployment_profiles')
    .addColumn('managed_by_org_id', 'text', (c) => c.references('organisations.id'))
    .execute();

  await db.schema
    .createTable('device_profile_pins')
    .addColumn('device_id', 'text', (c) =>
      c.primaryKey().references('devices.id').onDelete('cascade'),
    )
    .addColumn('customer_org_id', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('pinned_at', 'text', (c) => c.notNull())
    .addColumn('pinned_by', 'text', (c) => c.notNull())
    .addForeignKeyConstraint(
      'device_profile_pins_profile_fkey',
      ['profile_id', 'customer_org_id'],
      'deployment_profiles',
      ['id', 'customer_org_id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('device_profile_pins_profile_idx')
    .on('device_profile_pins')
    .column('profile_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('device_profile_pins').execute();
  await db.schema.dropIndex('devices_batch_idx').execute();
  await db.schema.dropIndex('batches_device_batch_idx').execute();
  await db.schema.alterTable('deployment_profiles').dropColumn('managed_by_org_id').execute();
  await db.schema.alterTable('batches').dropColumn('device_batch_name').execute();
  await db.schema.dropTable('imported_identities').execute();
  await db.schema.dropTable('signing_keys').execute();
}
