import { CompiledQuery, sql } from 'kysely';
import { expect, it } from 'vitest';
import { forEachDialect } from '../../test/kit/databases.js';
import { syntheticDevice } from '../../test/kit/devices.js';
import { consentedPair, register } from '../../test/kit/registration.js';
import { buildDeps } from '../../test/kit/services.js';
import type { Actor } from '../domain/actor.js';
import type { Organisation } from '../domain/organisation.js';
import type { ServiceDeps } from '../services/deps.js';
import { countDevices, listDevices } from '../services/devices.js';
import { firstBootQuery, type DeviceCondition, type DeviceScope } from './device.repo.js';

/** Registers devices known by manufacturer + model + serial, in this order. */
async function registerTuples(
  deps: ServiceDeps,
  actor: Actor,
  customer: Organisation,
  devices: readonly { serial: string; manufacturer?: string; model: string; tag?: string }[],
) {
  const { batch } = await register(
    deps,
    actor,
    customer,
    devices.map((d) => ({
      serialNumber: d.serial,
      manufacturer: d.manufacturer ?? 'Contoso Devices',
      model: d.model,
      groupTag: d.tag ?? null,
    })),
  );
  expect(batch.registeredRows).toBe(devices.length);
}

forEachDialect('device listing', (database, dialect) => {
  async function setUp() {
    const { deps, clock } = buildDeps(database());
    const pair = await consentedPair(deps, { partner: 'Fabrikam', customer: 'Contoso' });
    const scope: DeviceScope = { customerOrgId: pair.customer.id };
    const serialsOf = async (conditions: DeviceCondition[]) =>
      (await deps.store.repos.devices.list(scope, { conditions })).map((d) => d.serialNumber);
    return { deps, clock, ...pair, scope, serialsOf };
  }

  it('eq is exact and case-sensitive', async () => {
    const { deps, partnerAgent, customer, serialsOf } = await setUp();
    await registerTuples(deps, partnerAgent, customer, [
      { serial: 'S1', model: 'Laptop' },
      { serial: 'S2', model: 'laptop' },
      { serial: 'S3', model: 'Laptop 7' },
    ]);
    expect(await serialsOf([{ field: 'model', op: 'eq', value: 'Laptop' }])).toEqual(['S1']);
    expect(await serialsOf([{ field: 'serialNumber', op: 'eq', value: 's1' }])).toEqual([]);
    expect(await serialsOf([{ field: 'model', op: 'eq', value: 'LAPTOP' }])).toEqual([]);
  });

  it('contains and startswith ignore case on both sides', async () => {
    const { deps, partnerAgent, customer, serialsOf } = await setUp();
    await registerTuples(deps, partnerAgent, customer, [
      { serial: 'PF5NRH33', manufacturer: 'LENOVO', model: 'ThinkPad X1' },
      { serial: 'pf5abc', manufacturer: 'HP', model: 'EliteBook 840' },
      { serial: 'XPF5', manufacturer: 'Lenovo', model: 'thinkpad T14' },
    ]);
    expect(await serialsOf([{ field: 'serialNumber', op: 'contains', value: 'pF5' }])).toEqual([
      'PF5NRH33',
      'pf5abc',
      'XPF5',
    ]);
    expect(await serialsOf([{ field: 'serialNumber', op: 'startswith', value: 'Pf5' }])).toEqual([
      'PF5NRH33',
      'pf5abc',
    ]);
    expect(await serialsOf([{ field: 'manufacturer', op: 'startswith', value: 'leno' }])).toEqual([
      'PF5NRH33',
      'XPF5',
    ]);
    expect(await serialsOf([{ field: 'model', op: 'contains', value: 'THINKPAD' }])).toEqual([
      'PF5NRH33',
      'XPF5',
    ]);
    expect(await serialsOf([{ field: 'model', op: 'startswith', value: 'pad' }])).toEqual([]);
  });

  it('takes %, _ and the escape character in values literally', async () => {
    const { deps, partnerAgent, customer, serialsOf } = await setUp();
    await registerTuples(deps, partnerAgent, customer, [
      { serial: 'S1', model: 'A%B' },
      { serial: 'S2', model: 'AxB' },
      { serial: 'S3', model: 'A_B' },
      { serial: 'S4', model: 'A\\B' },
      { serial: 'S5', model: 'A\\%B' },
    ]);
    const contains = (value: string) => serialsOf([{ field: 'model', op: 'contains', value }]);
    const startsWith = (value: string) => serialsOf([{ field: 'model', op: 'startswith', value }]);
    expect(await contains('%')).toEqual(['S1', 'S5']);
    expect(await contains('_')).toEqual(['S3']);
    expect(await contains('\\')).toEqual(['S4', 'S5']);
    expect(await contains('\\%')).toEqual(['S5']);
    expect(await contains('a%b')).toEqual(['S1']);
    expect(await startsWith('A_')).toEqual(['S3']);
    expect(await startsWith('A%')).toEqual(['S1']);
    expect(await startsWith('%')).toEqual([]);
    expect(await contains("'")).toEqual([]);
  });

  it('requires every condition, alongside the older filters, within the scope only', async () => {
    const { deps, partnerAgent, customer, customerAdmin, serialsOf } = await setUp();
    const other = await consentedPair(deps, { partner: 'Litware', customer: 'Northwind' });
    await registerTuples(deps, partnerAgent, customer, [
      { serial: 'A1', model: 'Laptop', tag: 'Sales' },
      { serial: 'A2', model: 'Laptop', tag: 'Field' },
      { serial: 'B1', model: 'Desktop', tag: 'Sales' },
    ]);
    await registerTuples(deps, other.partnerAgent, other.customer, [
      { serial: 'A9', model: 'Laptop', tag: 'Sales' },
    ]);
    const laptopsInSales: DeviceCondition[] = [
      { field: 'model', op: 'eq', value: 'Laptop' },
      { field: 'groupTag', op: 'eq', value: 'Sales' },
    ];
    expect(await serialsOf(laptopsInSales)).toEqual(['A1']);
    expect(
      (await listDevices(deps, customerAdmin, { conditions: laptopsInSales, serialNumber: 'A2' }))
        .length,
    ).toBe(0);
    // Each partner sees only what it registered, whatever the conditions say.
    const asPartner = await listDevices(deps, partnerAgent, {
      customer: customer.id,
      conditions: [{ field: 'serialNumber', op: 'startswith', value: 'a' }],
    });
    expect(asPartner.map((d) => d.serialNumber)).toEqual(['A1', 'A2']);
    const asOther = await listDevices(deps, other.partnerAgent, {
      customer: other.customer.id,
      conditions: [{ field: 'serialNumber', op: 'startswith', value: 'a' }],
    });
    expect(asOther.map((d) => d.serialNumber)).toEqual(['A9']);
  });

  it('keeps the registration order by default', async () => {
    const { deps, clock, partnerAgent, customer, scope } = await setUp();
    await registerTuples(deps, partnerAgent, customer, [
      { serial: 'Z', model: 'M' },
      { serial: 'A', model: 'M' },
    ]);
    clock.advance(1000);
    await registerTuples(deps, partnerAgent, customer, [{ serial: 'M', model: 'M' }]);
    const devices = await deps.store.repos.devices.list(scope);
    expect(devices.map((d) => d.serialNumber)).toEqual(['Z', 'A', 'M']);
  });

  it('pages by id with after, alone or with conditions and a count', async () => {
    const { deps, partnerAgent, customer, customerAdmin, scope } = await setUp();
    await registerTuples(
      deps,
      partnerAgent,
      customer,
      Array.from({ length: 7 }, (_, i) => ({ serial: `S${i}`, model: i % 2 ? 'Odd' : 'Even' })),
    );
    const repo = deps.store.repos.devices;
    const byId = (await repo.list(scope, { order: 'id' })).map((d) => d.id);
    expect(byId).toEqual([...byId].sort());
    expect(byId).toHaveLength(7);

    const pages: string[][] = [];
    let page = await listDevices(deps, customerAdmin, { order: 'id', limit: 3 });
    while (page.length > 0) {
      pages.push(page.map((d) => d.id));
      page = await listDevices(deps, customerAdmin, { after: page.at(-1)!.id, limit: 3 });
    }
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(byId);

    const even: DeviceCondition[] = [{ field: 'model', op: 'eq', value: 'Even' }];
    const evenIds = (await repo.list(scope, { conditions: even, order: 'id' })).map((d) => d.id);
    expect(evenIds).toHaveLength(4);
    const second = await repo.list(scope, { conditions: even, after: evenIds[1]!, limit: 10 });
    expect(second.map((d) => d.id)).toEqual(evenIds.slice(2));
    expect(await repo.list(scope, { after: byId.at(-1)! })).toEqual([]);

    expect(await repo.count(scope)).toBe(7);
    expect(await repo.count(scope, { conditions: even, after: evenIds[1]!, limit: 1 })).toBe(4);
    expect(await repo.count({ customerOrgId: 'nobody' })).toBe(0);
    expect(await countDevices(deps, customerAdmin, { conditions: even })).toBe(4);
  });

  it('finds a first-boot record through the unique partial indexes', async () => {
    const db = database().db;
    const plan = async (key: { hashDigest: string } | { tupleKey: string }): Promise<string> => {
      const compiled = firstBootQuery(db, key).compile();
      const explain = (prefix: string) =>
        CompiledQuery.raw(`${prefix} ${compiled.sql}`, [...compiled.parameters]);
      if (dialect === 'sqlite') {
        const rows = await db.executeQuery<{ detail: string }>(explain('explain query plan'));
        return rows.rows.map((r) => r.detail).join('\n');
      }
      // An empty table makes any plan cheap; forbid sequential scans so the plan shows
      // whether the index can be used at all (its WHERE must be implied by the query's).
      return db.transaction().execute(async (trx) => {
        await sql`set local enable_seqscan = off`.execute(trx);
        const rows = await trx.executeQuery<Record<string, string>>(explain('explain'));
        return rows.rows.map((r) => Object.values(r).join(' ')).join('\n');
      });
    };
    expect(await plan({ hashDigest: 'k' })).toContain('devices_hash_digest_key');
    expect(await plan({ tupleKey: 'k' })).toContain('devices_tuple_key_key');
  });

  it('lists devices registered by hash too', async () => {
    const { deps, partnerAgent, customer, serialsOf } = await setUp();
    await register(deps, partnerAgent, customer, [syntheticDevice(1), syntheticDevice(2)]);
    expect(
      await serialsOf([{ field: 'serialNumber', op: 'contains', value: 'sn00000002' }]),
    ).toEqual(['SN00000002']);
  });
});
