import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { forEachDialect } from '../../test/kit/databases.js';
import type { Database } from './database.js';
import { constraintViolation } from './constraint-error.js';

const at = '2026-01-01T00:00:00.000Z';

async function org(
  database: Database,
  id: string,
  kind: 'partner' | 'oem' | 'customer',
): Promise<void> {
  await database.db
    .insertInto('organisations')
    .values({ id, kind, display_name: id, name_key: id, domain: null, created_at: at })
    .execute();
}

function relationship(
  id: string,
  registrar: string,
  customer: string,
  status: 'invited' | 'active',
  kind: 'partner' | 'oem' = 'partner',
) {
  return {
    id,
    kind: kind === 'oem' ? ('oem' as const) : ('reseller' as const),
    registrar_org_id: registrar,
    registrar_kind: kind,
    customer_org_id: customer,
    customer_kind: 'customer' as const,
    permissions: '[]',
    status,
    invitation_token_digest: `digest-${id}`,
    invitation_expires_at: at,
    created_at: at,
    created_by: 'test',
    accepted_at: status === 'active' ? at : null,
    accepted_by: status === 'active' ? 'test' : null,
    ended_at: null,
    ended_by: null,
  };
}

async function violation(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return constraintViolation(error);
  }
  throw new Error('expected the database to refuse the write');
}

// These go around the services on purpose: the database itself must hold the rules.
forEachDialect('database constraints', (database, dialect) => {
  it('allows at most one active relationship per pair', async () => {
    await org(database(), 'p', 'partner');
    await org(database(), 'c', 'customer');
    await database()
      .db.insertInto('relationships')
      .values(relationship('r1', 'p', 'c', 'active'))
      .execute();
    await database()
      .db.insertInto('relationships')
      .values(relationship('r2', 'p', 'c', 'invited'))
      .execute();
    expect(
      await violation(
        database()
          .db.insertInto('relationships')
          .values(relationship('r3', 'p', 'c', 'active'))
          .execute(),
      ),
    ).toMatchObject({ kind: 'unique' });
  });

  it('only links a partner or OEM to a customer', async () => {
    await org(database(), 'p', 'partner');
    await org(database(), 'c1', 'customer');
    await org(database(), 'c2', 'customer');
    // customer → customer: the registrar's kind does not match the organisation row.
    expect(
      await violation(
        database()
          .db.insertInto('relationships')
          .values(relationship('r1', 'c1', 'c2', 'invited'))
          .execute(),
      ),
    ).toMatchObject({ kind: 'foreign_key' });
    // partner → partner: the customer side is not a customer.
    await org(database(), 'p2', 'partner');
    expect(
      await violation(
        database()
          .db.insertInto('relationships')
          .values(relationship('r2', 'p', 'p2', 'invited'))
          .execute(),
      ),
    ).toMatchObject({ kind: 'foreign_key' });
  });

  it('keeps organisation names, domains and user e-mails unique', async () => {
    await org(database(), 'a', 'partner');
    expect(
      await violation(
        database()
          .db.insertInto('organisations')
          .values({
            id: 'b',
            kind: 'customer',
            display_name: 'A',
            name_key: 'a',
            domain: null,
            created_at: at,
          })
          .execute(),
      ),
    ).toMatchObject({ kind: 'unique' });
    await database()
      .db.insertInto('users')
      .values({
        id: 'u1',
        email: 'x@y.example',
        password_hash: 'h',
        must_change_password: 1,
        created_at: at,
      })
      .execute();
    expect(
      await violation(
        database()
          .db.insertInto('users')
          .values({
            id: 'u2',
            email: 'x@y.example',
            password_hash: 'h',
            must_change_password: 1,
            created_at: at,
          })
          .execute(),
      ),
    ).toMatchObject({ kind: 'unique' });
  });

  it('refuses an unknown organisation kind and an active row without acceptance', async () => {
    expect(
      await violation(
        database()
          .db.insertInto('organisations')
          .values({
            id: 'z',
            kind: 'reseller' as 'partner',
            display_name: 'z',
            name_key: 'z',
            domain: null,
            created_at: at,
          })
          .execute(),
      ),
    ).toMatchObject({ kind: 'check' });
    await org(database(), 'p', 'partner');
    await org(database(), 'c', 'customer');
    expect(
      await violation(
        database()
          .db.insertInto('relationships')
          .values({ ...relationship('r', 'p', 'c', 'active'), accepted_at: null })
          .execute(),
      ),
    ).toMatchObject({ kind: 'check' });
  });

  if (dialect === 'postgres') {
    it('compresses stored hardware hashes with lz4, not the slower default', async () => {
      const { rows } = await sql<{ method: string; available: boolean }>`
        select a.attcompression as method,
               exists (select 1 from pg_settings
                       where name = 'default_toast_compression' and 'lz4' = any(enumvals)) as available
        from pg_attribute a
        where a.attrelid = 'batch_row_hashes'::regclass and a.attname = 'hardware_hash'`.execute(
        database().db,
      );
      // 'l' is lz4; a server built without lz4 keeps its default ('' here), as the migration says.
      expect(rows[0]).toEqual({
        method: rows[0]!.available ? 'l' : '',
        available: rows[0]!.available,
      });
    });
  }

  it('reports the migrations as applied', async () => {
    expect(await database().pendingMigrations()).toEqual([]);
    expect(await database().migrate()).toEqual([]);
  });
});
