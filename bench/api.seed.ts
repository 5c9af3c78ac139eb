/**
 * Seeding for `npm run bench:api`, in its own process:
 * `node api.seed.js <sqlite file> <devices> <sample file> <sample> <unknown>`.
 *
 * The partner, the customer (with a tenant domain, and the built-in profile every customer
 * gets), their users, the relationship and the partner's API client are made through the
 * services, as in production. The devices are then inserted with SQL directly (prepared
 * better-sqlite3 statements, 100 000 rows a transaction): registering a million devices
 * through the engine takes about a minute and a half, and what is measured here is
 * lookups, not registration (bench:import measures that). Every device gets what the
 * engine would store for it — a finished batch of 1000 rows, its batch row, the built-in
 * profile with status `assignedInSync` — except the hash text (batch_row_hashes) and the
 * per-row results, which no lookup reads.
 *
 * `sample` devices, spread at random over the million, have real structured hashes (built
 * with `buildHardwareHash`, keyed by `prepareFields` exactly as registration keys them);
 * their request bodies are written to the sample file for the load generator. The others
 * get a unique SHA-256 digest of their serial: the same key shape in the same index,
 * without building a million 4 KB hashes (~100 µs each). `unknown` more hashes are built
 * and not registered, for the 404 path.
 *
 * Prints one JSON line: the ids and credentials the orchestrator needs, and timings.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { loadConfig } from '../src/config/config.js';
import { operator } from '../src/domain/actor.js';
import { tupleKeyOf } from '../src/domain/device.js';
import { buildHardwareHash } from '../src/domain/hardware-hash.js';
import { openServices } from '../src/main/server.js';
import { newSortableId } from '../src/platform/secrets.js';
import { createOrganisation } from '../src/services/organisations.js';
import { prepareFields } from '../src/services/registration/prepare-fields.js';
import { acceptInvitation, inviteCustomer } from '../src/services/relationships.js';
import { actorForUser, createApiClient, createUser } from '../src/services/users.js';

const [file, devicesArg, sampleFile, sampleArg, unknownArg] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const deviceCount = Number(devicesArg);
const sampleCount = Math.min(Number(sampleArg), deviceCount);
const unknownCount = Number(unknownArg);
const BATCH_ROWS = 1000;
const ROWS_PER_TRANSACTION = 100_000;
const manufacturer = 'Contoso Devices';
const model = 'Laptop 9';

/** A small deterministic PRNG (mulberry32), so every run seeds the same sample. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const body = (hardwareHash: string) => JSON.stringify({ hardwareHash });

async function organisations() {
  const services = await openServices(
    loadConfig({ DATABASE_URL: `sqlite:${file}`, LOG_LEVEL: 'silent' }, process.cwd()),
  );
  const deps = services.deps;
  try {
    const partner = await createOrganisation(deps, operator, {
      kind: 'partner',
      displayName: 'Bench Partner',
      domain: 'benchpartner.example',
    });
    const customer = await createOrganisation(deps, operator, {
      kind: 'customer',
      displayName: 'Bench Customer',
      domain: 'benchcustomer.example',
    });
    await createUser(deps, operator, {
      org: partner.id,
      email: 'agent@benchpartner.example',
      role: 'agent',
    });
    await createUser(deps, operator, {
      org: customer.id,
      email: 'admin@benchcustomer.example',
      role: 'admin',
    });
    const { token } = await inviteCustomer(deps, operator, { from: partner.id, to: customer.id });
    await acceptInvitation(
      deps,
      await actorForUser(deps, 'admin@benchcustomer.example', [customer.id]),
      token,
    );
    const { client, secret } = await createApiClient(deps, operator, {
      org: partner.id,
      roles: ['agent'],
    });
    return { partner, customer, client, secret };
  } finally {
    await services.database.close();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const { partner, customer, client, secret } = await organisations();

  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const profile = db
    .prepare('select id from deployment_profiles where customer_org_id = ? and built_in = 1')
    .get(customer.id) as { id: string } | undefined;
  if (!profile) {
    throw new Error('the customer has no built-in profile');
  }

  // Which devices get real hashes: `sampleCount` distinct indices, spread at random.
  const random = prng(20_260_101);
  const sampled = new Set<number>();
  while (sampled.size < sampleCount) {
    sampled.add(Math.floor(random() * deviceCount));
  }

  const insertBatch = db.prepare(
    `insert into batches (id, registrar_org_id, customer_org_id, client_batch_id, content_digest, source,
       status, total_rows, registered_rows, failed_rows, warning_rows, created_at, created_by,
       started_at, finished_at, attempts, device_batch_name)
     values (?, ?, ?, ?, '', 'api', 'finished', ?, ?, 0, 0, ?, ?, ?, ?, 1, ?)`,
  );
  const insertRow = db.prepare(
    `insert into batch_rows (batch_id, row_index, line, serial_number, hash_digest, tuple_key)
     values (?, ?, null, ?, ?, ?)`,
  );
  const insertDevice = db.prepare(
    `insert into devices (id, customer_org_id, hash_digest, tuple_key, serial_number,
       registered_by_org_id, registered_by, registered_at, batch_id, batch_row_index,
       profile_id, profile_status, profile_assigned_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'assignedInSync', ?)`,
  );
  const registeredBy = `client:${client.clientId}`;
  const sampleBodies: string[] = [];
  let buildMs = 0;

  const insertRange = db.transaction((from: number, to: number) => {
    const at = new Date().toISOString();
    for (let first = from; first < to; first += BATCH_ROWS) {
      const batchId = newSortableId();
      const rows = Math.min(BATCH_ROWS, to - first);
      const name = `seed-${first / BATCH_ROWS}`;
      insertBatch.run(
        batchId,
        partner.id,
        customer.id,
        name,
        rows,
        rows,
        at,
        registeredBy,
        at,
        at,
        name,
      );
      for (let index = 0; index < rows; index++) {
        const n = first + index;
        const serialNumber = `BN${String(n).padStart(9, '0')}`;
        let digest: string;
        let tupleKey: string | null;
        if (sampled.has(n)) {
          const t = performance.now();
          const hardwareHash = buildHardwareHash({ serialNumber, manufacturer, model });
          const prepared = prepareFields({ serialNumber, hardwareHash });
          buildMs += performance.now() - t;
          digest = prepared.hashDigest!;
          tupleKey = prepared.tupleKey;
          sampleBodies.push(body(hardwareHash));
        } else {
          digest = crypto.createHash('sha256').update(`synthetic ${serialNumber}`).digest('hex');
          tupleKey = tupleKeyOf(manufacturer, model, serialNumber);
        }
        insertRow.run(batchId, index, serialNumber, digest, tupleKey);
        insertDevice.run(
          newSortableId(),
          customer.id,
          digest,
          tupleKey,
          serialNumber,
          partner.id,
          registeredBy,
          at,
          batchId,
          index,
          profile.id,
          at,
        );
      }
    }
  });
  const insertStarted = performance.now();
  for (let from = 0; from < deviceCount; from += ROWS_PER_TRANSACTION) {
    insertRange(from, Math.min(deviceCount, from + ROWS_PER_TRANSACTION));
  }
  const insertMs = performance.now() - insertStarted - buildMs;
  db.pragma('wal_checkpoint(TRUNCATE)');
  const counted = (db.prepare('select count(*) as n from devices').get() as { n: number }).n;
  db.close();

  const unknownBodies: string[] = [];
  for (let i = 0; i < unknownCount; i++) {
    const serialNumber = `UNREG${String(i).padStart(7, '0')}`;
    unknownBodies.push(body(buildHardwareHash({ serialNumber, manufacturer, model })));
  }
  // Shuffled, so consecutive requests hit unrelated rows rather than insertion order.
  for (let i = sampleBodies.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [sampleBodies[i], sampleBodies[j]] = [sampleBodies[j]!, sampleBodies[i]!];
  }
  fs.writeFileSync(
    sampleFile,
    JSON.stringify({ registered: sampleBodies, unknown: unknownBodies }),
  );

  process.stdout.write(
    `${JSON.stringify({
      partnerId: partner.id,
      customerId: customer.id,
      customerDomain: customer.domain,
      profileId: profile.id,
      clientId: client.clientId,
      clientSecret: secret,
      devices: counted,
      insertMs,
      totalMs: performance.now() - started,
      dbMb: fs.statSync(file).size / 1e6,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    })}\n`,
  );
}

await main();
