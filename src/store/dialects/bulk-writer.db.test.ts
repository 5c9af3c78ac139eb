import { expect, it } from 'vitest';
import { forEachDialect } from '../../../test/kit/databases.js';

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
});
