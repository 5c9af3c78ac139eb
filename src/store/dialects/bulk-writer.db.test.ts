import { expect, it } from 'vitest';
import { forEachDialect } from '../../../test/kit/databases.js';
import type { Kysely } from 'kysely';
import { constraintViolation } from '../constraint-error.js';
import type { Schema } from '../schema.js';

const at = '2026-01-01T00:00:00.000Z';

forEachDialect('bulk writer', (database) => {
  it('inserts awkward text and NULLs faithfully and reports which rows a conflict skipped', async () => {
    const { db, info } = database();
    await db
      .insertInto('organisations')
      .values({
        id: 'o',
        kind: 'customer',
        display_name: 'O',
        name_key: 'o',
        domain: null,
        created_at: at,
      })
      .execute();
    const awkward = `quote " comma , backslash \\ brace { } newline \n tab \t unicode ü ✓`;
    const rows = [
      {
        id: 'p1',
        customer_org_id: 'o',
        display_name: awkward,
        name_key: 'a',
        description: '',
        settings: '{}',
        built_in: 0,
        created_at: at,
        updated_at: at,
      },
      {
        id: 'p2',
        customer_org_id: 'o',
        display_name: 'B',
        name_key: 'a',
        description: '',
        settings: '{}',
        built_in: 1,
        created_at: at,
        updated_at: at,
      },
      {
        id: 'p3',
        customer_org_id: 'o',
        display_name: 'C',
        name_key: 'c',
        description: '',
        settings: '{}',
        built_in: 0,
        created_at: at,
        updated_at: at,
      },
    ];
    const inserted = await db.transaction().execute((trx) =>
      info.bulkWriter.insert(trx, 'deployment_profiles', rows, {
        skipConflicts: true,
        key: 'id',
      }),
    );
    // p2 repeats p1's (customer, name) and is skipped.
    expect(inserted).toEqual([true, false, true]);
    const stored = await db
      .selectFrom('deployment_profiles')
      .select(['id', 'display_name', 'built_in'])
      .orderBy('id')
      .execute();
    expect(stored).toEqual([
      { id: 'p1', display_name: awkward, built_in: 0 },
      { id: 'p3', display_name: 'C', built_in: 0 },
    ]);
  });

  // Plain inserts go through COPY on PostgreSQL, whose text format gives backslashes, tabs,
  // line breaks and the two characters \N their own meanings.
  it('stores plain inserts exactly as given, NULL apart from empty and from the text \\N', async () => {
    const { db, info } = database();
    await seedBatch(db);
    const awkward = [
      'back\\slash \\N \\t tab\tline\nfeed\r\nend',
      '\\N',
      '',
      'ü ✓ "quoted", {braced}',
      'x'.repeat(4000),
    ];
    const rows = awkward.map((text, i) => ({
      batch_id: 'b',
      row_index: i,
      line: i === 2 ? null : i + 2,
      serial_number: text,
      product_key_id: null,
      hash_digest: null,
      manufacturer: text === '' ? null : 'M',
      model: null,
      tuple_key: null,
      group_tag: null,
      purchase_order_id: null,
      assigned_user: null,
      issues: null,
    }));
    const inserted = await db
      .transaction()
      .execute((trx) => info.bulkWriter.insert(trx, 'batch_rows', rows));
    expect(inserted).toEqual(rows.map(() => true));
    const stored = await db
      .selectFrom('batch_rows')
      .select(['row_index', 'line', 'serial_number', 'manufacturer', 'model'])
      .orderBy('row_index')
      .execute();
    expect(stored).toEqual(
      rows.map((r) => ({
        row_index: r.row_index,
        line: r.line,
        serial_number: r.serial_number,
        manufacturer: r.manufacturer,
        model: null,
      })),
    );
  });

  it('refuses a plain insert as a whole when one row breaks a constraint, naming it', async () => {
    const { db, info } = database();
    await seedBatch(db);
    const row = (i: number) => ({ batch_id: 'b', row_index: i, hardware_hash: `hash ${i}` });
    await db.transaction().execute(async (trx) => {
      await info.bulkWriter.insert(
        trx,
        'batch_rows',
        [0, 1].map((i) => ({ batch_id: 'b', row_index: i })),
      );
    });
    // Row 7 has no batch row: the foreign key refuses it, and rows 0 and 1 go with it.
    const failure = await db
      .transaction()
      .execute((trx) => info.bulkWriter.insert(trx, 'batch_row_hashes', [row(0), row(1), row(7)]))
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(constraintViolation(failure)?.kind).toBe('foreign_key');
    expect(await db.selectFrom('batch_row_hashes').selectAll().execute()).toEqual([]);
    // The connection is usable again, and a good insert lands.
    await db
      .transaction()
      .execute((trx) => info.bulkWriter.insert(trx, 'batch_row_hashes', [row(0), row(1)]));
    expect(
      (
        await db
          .selectFrom('batch_row_hashes')
          .select('hardware_hash')
          .orderBy('row_index')
          .execute()
      ).map((r) => r.hardware_hash),
    ).toEqual(['hash 0', 'hash 1']);
  });

  // On PostgreSQL a chunk is first tried as one COPY inside a savepoint; a conflict undoes
  // that COPY only, and the rows go through ON CONFLICT one by one.
  it('keeps what the transaction wrote before a chunk that conflicts, and skips only the conflicting rows', async () => {
    const { db, info } = database();
    await seedBatch(db);
    const results = await db.transaction().execute(async (trx) => [
      await info.bulkWriter.insert(
        trx,
        'deployment_profiles',
        [profile('p1', 'a'), profile('p2', 'b')],
        {
          skipConflicts: true,
          key: 'id',
        },
      ),
      // p3 takes p1's name, p4 is new.
      await info.bulkWriter.insert(
        trx,
        'deployment_profiles',
        [profile('p3', 'a'), profile('p4', 'd')],
        {
          skipConflicts: true,
          key: 'id',
        },
      ),
    ]);
    expect(results).toEqual([
      [true, true],
      [false, true],
    ]);
    const stored = await db
      .selectFrom('deployment_profiles')
      .select(['id', 'name_key'])
      .orderBy('id')
      .execute();
    expect(stored).toEqual([
      { id: 'p1', name_key: 'a' },
      { id: 'p2', name_key: 'b' },
      { id: 'p4', name_key: 'd' },
    ]);
  });

  it('does not take a broken foreign key for a conflict to skip', async () => {
    const { db, info } = database();
    await seedBatch(db);
    const failure = await db
      .transaction()
      .execute((trx) =>
        info.bulkWriter.insert(
          trx,
          'deployment_profiles',
          [profile('p1', 'p', 'no such organisation')],
          { skipConflicts: true, key: 'id' },
        ),
      )
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(constraintViolation(failure)?.kind).toBe('foreign_key');
    expect(await db.selectFrom('deployment_profiles').selectAll().execute()).toEqual([]);
  });
});

/** An organisation and a batch, for rows to belong to. */
async function seedBatch(db: Kysely<Schema>): Promise<void> {
  await db
    .insertInto('organisations')
    .values({
      id: 'o',
      kind: 'customer',
      display_name: 'O',
      name_key: 'o',
      domain: null,
      created_at: at,
    })
    .execute();
  await db
    .insertInto('batches')
    .values({
      id: 'b',
      registrar_org_id: 'o',
      customer_org_id: 'o',
      content_digest: '',
      source: 'cli',
      status: 'receiving',
      total_rows: 0,
      strict_tags: 0,
      registered_rows: 0,
      failed_rows: 0,
      warning_rows: 0,
      created_at: at,
      created_by: 'test',
    })
    .execute();
}

/** A deployment profile row with the given id, name key and customer. */
function profile(id: string, nameKey: string, customer = 'o') {
  return {
    id,
    customer_org_id: customer,
    display_name: id,
    name_key: nameKey,
    description: '',
    settings: '{}',
    built_in: 0,
    created_at: at,
    updated_at: at,
  };
}
