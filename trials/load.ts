/**
 * The load trial (issue 8, trial 4): a mixed workload against `preflight serve` with
 * autocannon, for a bounded time, checking every answer, with the server's memory sampled
 * throughout. `load.trial.ts` runs the long version (60 s) and `load.trial.test.ts` the
 * short one in CI; both call `runLoadTrial`.
 *
 * 1. Seed: a fresh database (a SQLite file in a temporary folder, or a new PostgreSQL
 *    database) with one partner, one consented customer and the partner's API client made
 *    through the services, then N devices inserted with the dialect's bulk writer in batches
 *    of 1000 (batch, batch rows, devices with the customer's built-in profile), as
 *    bench/api.seed.ts does for SQLite: what the engine stores, minus the hash text and the
 *    per-row results, which no request of this workload reads. A random sample of the
 *    devices gets real hashes (for first-boot lookups); the others a unique digest.
 * 2. Server: `node bin/preflight.js serve` (the built CLI, exactly as deployed), in its own
 *    process, log level warn, the three rate limits raised so that they run on every request
 *    but never refuse. A preloaded probe (`--import probe.mjs`, `--expose-gc`) answers memory
 *    samples over the IPC channel: `process.memoryUsage()`, event-loop utilisation and CPU,
 *    and on request a forced full GC first. RSS is read from /proc/<pid>/status (VmRSS,
 *    RssAnon, RssFile).
 * 3. Load: one autocannon instance per kind of request, all at once, for warm-up + duration
 *    seconds; only the last `duration` seconds are measured. Lookups are closed-loop (each
 *    connection sends its next request when the answer arrives: they take the server's
 *    remaining capacity); the partner and customer routes are paced at a fixed rate.
 * 4. After the load: every accepted batch is polled to its end and its devices counted; the
 *    server is stopped with SIGTERM (it must exit 0); the database is checked directly.
 *
 * Every response is checked, not only its status: a registered device's answer must carry
 * its profile id, a listing must hold exactly the devices of its prefix, and so on.
 */
import { fork, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig, type DatabaseConfig } from '../src/config/config.js';
import { operator } from '../src/domain/actor.js';
import { tupleKeyOf } from '../src/domain/device.js';
import { buildHardwareHash } from '../src/domain/hardware-hash.js';
import { NODE_FLAGS } from '../src/main/node-flags.js';
import { openServices } from '../src/main/server.js';
import { newSortableId } from '../src/platform/secrets.js';
import { createOrganisation } from '../src/services/organisations.js';
import { prepareFields } from '../src/services/registration/prepare-fields.js';
import { acceptInvitation, inviteCustomer } from '../src/services/relationships.js';
import { actorForUser, createApiClient, createUser } from '../src/services/users.js';
import { openDatabase } from '../src/store/database.js';

export type Backend = 'sqlite' | 'postgres';

/** The kinds of request of the mix. */
export const kinds = [
  'lookup',
  'lookupUnknown',
  'submit',
  'poll',
  'graphList',
  'batchList',
] as const;
export type Kind = (typeof kinds)[number];

/** How one kind is driven: its connections and, when paced, its overall rate (requests/s). */
export interface KindLoad {
  readonly connections: number;
  /** Requests per second over all its connections; absent: closed loop, as fast as answered. */
  readonly rate?: number;
}

export const kindLabels: Record<Kind, string> = {
  lookup: 'first-boot lookup, registered device (`POST /firstboot/v1/lookup`)',
  lookupUnknown: 'first-boot lookup, unknown hash (`POST /firstboot/v1/lookup`)',
  submit: 'batch submission, 100 fresh devices (`POST /v1/customers/{id}/deviceBatches`)',
  poll: 'batch status poll (`GET /v1/customers/{id}/batchJobStatus/{trackingId}`)',
  graphList:
    "Graph listing, `$top=100&$filter=startswith(serialNumber,'…')` (`GET /beta/deviceManagement/windowsAutopilotDeviceIdentities`)",
  batchList: 'device batch listing (`GET /v1/customers/{id}/deviceBatches`)',
};

/** The status each kind must answer; anything else is a failure. */
export const expectedStatus: Record<Kind, number> = {
  lookup: 200,
  lookupUnknown: 404,
  submit: 202,
  poll: 200,
  graphList: 200,
  batchList: 200,
};

/**
 * The default mix: lookups, what devices do at every first boot, take what the server has
 * left; partners submit 4 batches of 100 devices a second and poll them, and customers list.
 */
export const defaultMix: Record<Kind, KindLoad> = {
  lookup: { connections: 8 },
  lookupUnknown: { connections: 2 },
  submit: { connections: 1, rate: 4 },
  poll: { connections: 1, rate: 10 },
  graphList: { connections: 1, rate: 10 },
  batchList: { connections: 1, rate: 1 },
};

export const BATCH_SIZE = 100;
const SEED_BATCH_ROWS = 1000;
const SEED_ROWS_PER_TRANSACTION = 20_000;
const RAISED_LIMIT = '100000000';
const manufacturer = 'Contoso Devices';
const model = 'Laptop 9';

export interface LoadOptions {
  readonly backend: Backend;
  /** PostgreSQL server to create the trial's database on (postgres backend). */
  readonly pgUrl?: string;
  /** Devices seeded before the load. */
  readonly devices: number;
  /** Measured seconds of load. */
  readonly durationSeconds: number;
  /** Unmeasured seconds of the same load before the measured window. */
  readonly warmupSeconds: number;
  readonly mix?: Partial<Record<Kind, KindLoad>>;
  /** Registered devices with real hashes, and unknown hashes, the lookups rotate through. */
  readonly sample?: number;
  readonly unknown?: number;
  /** autocannon's per-request timeout, seconds (a timeout counts as an error). */
  readonly timeoutSeconds?: number;
  /** Forced full GCs (via the probe) at 0, ⅓, ⅔ of the window and at its end. */
  readonly gcCheckpoints?: boolean;
  /** Waits (up to this many seconds) for the rest of the machine to be quiet before the load. */
  readonly quietWaitSeconds?: number;
  /** Longest wait for the worker to finish the accepted batches after the load. */
  readonly drainSeconds?: number;
  readonly keep?: boolean;
  readonly log?: (line: string) => void;
}

export interface KindResult {
  readonly kind: Kind;
  readonly load: KindLoad;
  /** Responses in the measured window. */
  readonly responses: number;
  readonly rate: number;
  readonly statuses: Record<string, number>;
  /** Connection errors and timeouts in the measured window. */
  readonly errors: number;
  /** Responses whose status or content was wrong, in the measured window. */
  readonly wrong: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Responses, p50 and p99 per third of the window, to see a drift. */
  readonly thirds: { responses: number; p50: number; p99: number }[];
  /** The same counts over the warm-up (not measured, but must be clean too). */
  readonly warmup: {
    responses: number;
    errors: number;
    wrong: number;
    statuses: Record<string, number>;
  };
}

export interface MemorySample {
  /** Seconds from the start of the measured window (negative during the warm-up). */
  readonly t: number;
  readonly phase: 'warmup' | 'load' | 'after';
  readonly rssMb: number;
  readonly rssAnonMb: number;
  readonly rssFileMb: number;
  /** Resident pages of the database files mapped into the server (SQLite's mmap), in MB. */
  readonly dbMappedMb: number;
  /**
   * Anonymous RSS outside the V8 heap (RssAnon − heapTotal): SQLite's page caches, native
   * allocations, Buffers, thread stacks. Steadier than RssAnon, which follows the heap's
   * sawtooth.
   */
  readonly nativeMb: number;
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  readonly externalMb: number;
  readonly arrayBuffersMb: number;
  /** The server's event-loop utilisation and CPU (cores) since the previous sample. */
  readonly elu: number;
  readonly cpu: number;
  /** The longest event-loop delay since the previous sample, ms (a stall of the server). */
  readonly stallMs: number;
}

export interface GcPoint {
  readonly label: string;
  readonly t: number;
  readonly heapUsedMb: number;
  readonly rssMb: number;
  readonly rssAnonMb: number;
  readonly externalMb: number;
  /** How long the forced GC held the server's event loop, ms. */
  readonly gcMs: number;
}

export type MemoryMetric =
  'rssMb' | 'rssAnonMb' | 'rssFileMb' | 'dbMappedMb' | 'nativeMb' | 'heapUsedMb' | 'externalMb';

export interface MemoryAnalysis {
  /** Mean of each metric over each third of the measured window. */
  readonly thirds: Record<MemoryMetric, [number, number, number]>;
  /** Least-squares slope over the middle and last thirds, MB per minute. */
  readonly slopeMbPerMin: Record<MemoryMetric, number>;
  /** Lowest heapUsed of each third (the heap just after a GC, without forcing one). */
  readonly heapTroughsMb: [number, number, number];
  readonly gc: GcPoint[];
  /** Post-GC heap at the end of the window minus at ⅓ of it (NaN without checkpoints). */
  readonly heapGrowthMb: number;
  /**
   * RSS, anonymous RSS, and anonymous RSS outside the V8 heap: mean of the last third minus
   * mean of the middle third.
   */
  readonly rssGrowthMb: number;
  readonly rssAnonGrowthMb: number;
  readonly nativeGrowthMb: number;
  readonly heapFlat: boolean;
  readonly rssAnonFlat: boolean;
}

export interface BatchOutcome {
  /** POSTs sent (setupRequest calls), 202s seen, and tracking ids polled to their end. */
  readonly sent: number;
  readonly accepted: number;
  readonly finished: number;
  readonly registered: number;
  readonly failedDevices: number;
  readonly errorCodes: Record<string, number>;
  readonly notFinished: string[];
  /** Seconds from the end of the load until the last accepted batch was finished. */
  readonly drainSeconds: number;
  /** Status of the polled batches as the polls saw them, over the measured window. */
  readonly polledStatuses: Record<string, number>;
}

export interface DatabaseCheck {
  readonly devices: number;
  readonly freshDevices: number;
  readonly loadBatches: number;
  readonly loadBatchesByStatus: Record<string, number>;
  readonly loadRowsRegistered: number;
  readonly loadRowsTotal: number;
}

export interface LoadReport {
  readonly backend: Backend;
  readonly options: {
    devices: number;
    durationSeconds: number;
    warmupSeconds: number;
    mix: Record<Kind, KindLoad>;
    sample: number;
    unknown: number;
    timeoutSeconds: number;
    gcCheckpoints: boolean;
  };
  readonly date: string;
  readonly machine: string;
  /** SQLite: the database files (main file and WAL) after seeding and after the run. */
  readonly seed: {
    devices: number;
    seconds: number;
    dbMb: number | null;
    dbMbAfter: number | null;
  };
  readonly serverStartRssMb: number;
  readonly kinds: KindResult[];
  readonly totals: {
    responses: number;
    rate: number;
    errors: number;
    wrong: number;
    non2xxUnexpected: number;
  };
  readonly memory: MemoryAnalysis;
  readonly samples: MemorySample[];
  readonly server: {
    cpu: number;
    elu: number;
    exitCode: number | null;
    signal: string | null;
    peakRssMb: number;
    warnings: string[];
    errors: string[];
  };
  readonly loadGenerator: { cpu: number; otherCpu: number; quietBefore: number };
  readonly batches: BatchOutcome;
  readonly database: DatabaseCheck;
  /** Everything that did not hold; empty when the trial passed. */
  readonly problems: string[];
}

// ---------------------------------------------------------------------------------------
// Small helpers

const here = path.dirname(fileURLToPath(import.meta.url));

/** The repository root: the first folder up from here with bin/preflight.js. */
export function repoRoot(): string {
  let dir = here;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'bin', 'preflight.js'))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`no bin/preflight.js above ${here}`);
    }
    dir = parent;
  }
}

const mb = (bytes: number) => bytes / 1024 / 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pad = (n: number, width: number) => String(n).padStart(width, '0');

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

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) {
    return NaN;
  }
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  ]!;
}

/** Least-squares slope of y over x. */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) {
    return NaN;
  }
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

const mean = (values: readonly number[]) =>
  values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;

/** Busy and total jiffies of all CPUs (Linux), to see what else ran meanwhile. */
function cpuTicks(): { busy: number; total: number } | undefined {
  try {
    const fields = fs
      .readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - fields[3]! - fields[4]!, total };
  } catch {
    return undefined;
  }
}

function busyCores(
  before: ReturnType<typeof cpuTicks>,
  after: ReturnType<typeof cpuTicks>,
): number {
  if (!before || !after || after.total === before.total) {
    return NaN;
  }
  return ((after.busy - before.busy) / (after.total - before.total)) * os.cpus().length;
}

/** Waits up to `maxMs` for the machine to use less than 0.15 of a core; returns what it used. */
async function quiet(maxMs: number): Promise<number> {
  const started = Date.now();
  let busy = NaN;
  do {
    const before = cpuTicks();
    await sleep(500);
    busy = busyCores(before, cpuTicks());
  } while (busy >= 0.15 && Date.now() - started < maxMs);
  return busy;
}

/**
 * Resident MB of the mappings of files under `dir` (the SQLite database, when the server
 * memory-maps it), from /proc/<pid>/smaps; 0 when none, NaN where not Linux.
 */
function mappedUnder(pid: number, dir: string | undefined): number {
  if (!dir) {
    return 0;
  }
  try {
    let inside = false;
    let kb = 0;
    for (const line of fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
      if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) {
        inside = line.includes(dir);
      } else if (inside && line.startsWith('Rss:')) {
        kb += Number(/\d+/.exec(line)?.[0] ?? 0);
      }
    }
    return kb / 1024;
  } catch {
    return NaN;
  }
}

/** RSS figures of a process from /proc/<pid>/status, in MB (NaN where not Linux). */
function procMemory(pid: number): {
  rssMb: number;
  rssAnonMb: number;
  rssFileMb: number;
  hwmMb: number;
} {
  const read = { rssMb: NaN, rssAnonMb: NaN, rssFileMb: NaN, hwmMb: NaN };
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => {
      const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
      return match ? Number(match[1]) / 1024 : NaN;
    };
    read.rssMb = kb('VmRSS');
    read.rssAnonMb = kb('RssAnon');
    read.rssFileMb = kb('RssFile');
    read.hwmMb = kb('VmHWM');
  } catch {
    // not Linux, or the process is gone
  }
  return read;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------
// Databases and seeding

interface Scratch {
  readonly url: string;
  readonly config: DatabaseConfig;
  readonly sqliteFile?: string;
  dispose(): Promise<void>;
}

export function defaultPgUrl(): string {
  const fromEnv = process.env.PREFLIGHT_TEST_PG_URL;
  if (fromEnv) {
    return fromEnv;
  }
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl && /^postgres(ql)?:/.test(databaseUrl)) {
    return databaseUrl;
  }
  return 'postgres://postgres@127.0.0.1:5432/postgres';
}

async function scratch(
  backend: Backend,
  dir: string,
  pgUrl: string,
  keep: boolean,
): Promise<Scratch> {
  if (backend === 'sqlite') {
    const file = path.join(dir, 'preflight.sqlite');
    return {
      url: `sqlite:${file}`,
      config: { kind: 'sqlite', file },
      sqliteFile: file,
      dispose: async () => undefined,
    };
  }
  const name = `preflight_load_${crypto.randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    config: { kind: 'postgres', url: url.toString() },
    dispose: async () => {
      if (keep) {
        return;
      }
      const again = new pg.Client({ connectionString: pgUrl });
      await again.connect();
      try {
        await again.query(`drop database if exists ${name} with (force)`);
      } finally {
        await again.end();
      }
    },
  };
}

export interface Seeded {
  readonly partnerId: string;
  readonly customerId: string;
  readonly customerDomain: string;
  readonly profileId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly devices: number;
  readonly seededBatches: number;
  /** Request bodies of registered devices (real hashes) and of unknown ones. */
  readonly registered: string[];
  readonly unknown: string[];
  readonly seconds: number;
}

const seedSerial = (n: number) => `LS${pad(n, 9)}`;
/** The serial of device `i` of fresh batch `b`: the prefix `LF` + 6 digits is one batch. */
const freshSerial = (b: number, i: number) => `LF${pad(b, 6)}${pad(i, 2)}`;
const hashBody = (hardwareHash: string) => JSON.stringify({ hardwareHash });

/**
 * The organisations through the services, then the devices with the bulk writer. Works on
 * both databases; the orchestrator's own connection is closed before the server starts.
 */
export async function seed(
  url: string,
  devices: number,
  sampleCount: number,
  unknownCount: number,
): Promise<Seeded> {
  const started = performance.now();
  const services = await openServices(
    loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' }, process.cwd()),
  );
  const { deps, database } = services;
  try {
    const partner = await createOrganisation(deps, operator, {
      kind: 'partner',
      displayName: 'Load Partner',
      domain: 'loadpartner.example',
    });
    const customer = await createOrganisation(deps, operator, {
      kind: 'customer',
      displayName: 'Load Customer',
      domain: 'loadcustomer.example',
    });
    await createUser(deps, operator, {
      org: customer.id,
      email: 'admin@loadcustomer.example',
      role: 'admin',
    });
    const { token } = await inviteCustomer(deps, operator, { from: partner.id, to: customer.id });
    await acceptInvitation(
      deps,
      await actorForUser(deps, 'admin@loadcustomer.example', [customer.id]),
      token,
    );
    const { client, secret } = await createApiClient(deps, operator, {
      org: partner.id,
      roles: ['agent'],
    });
    const profile = await database.db
      .selectFrom('deployment_profiles')
      .select('id')
      .where('customer_org_id', '=', customer.id)
      .where('built_in', '=', 1)
      .executeTakeFirst();
    if (!profile) {
      throw new Error('the customer has no built-in profile');
    }

    const random = prng(20_261_108);
    const sampleSize = Math.min(sampleCount, devices);
    const sampled = new Set<number>();
    while (sampled.size < sampleSize) {
      sampled.add(Math.floor(random() * devices));
    }
    const registered: string[] = [];
    const registeredBy = `client:${client.clientId}`;
    const bulk = database.info.bulkWriter;
    for (let from = 0; from < devices; from += SEED_ROWS_PER_TRANSACTION) {
      const to = Math.min(devices, from + SEED_ROWS_PER_TRANSACTION);
      const at = new Date().toISOString();
      const batchRows: Record<string, unknown>[] = [];
      const rows: Record<string, unknown>[] = [];
      const deviceRows: Record<string, unknown>[] = [];
      for (let first = from; first < to; first += SEED_BATCH_ROWS) {
        const batchId = newSortableId();
        const count = Math.min(SEED_BATCH_ROWS, to - first);
        const name = `seed-${pad(first / SEED_BATCH_ROWS, 5)}`;
        batchRows.push({
          id: batchId,
          registrar_org_id: partner.id,
          customer_org_id: customer.id,
          client_batch_id: name,
          content_digest: '',
          source: 'api',
          status: 'finished',
          total_rows: count,
          registered_rows: count,
          failed_rows: 0,
          warning_rows: 0,
          created_at: at,
          created_by: registeredBy,
          started_at: at,
          finished_at: at,
          attempts: 1,
          device_batch_name: name,
        });
        for (let index = 0; index < count; index++) {
          const n = first + index;
          const serialNumber = seedSerial(n);
          let digest: string;
          let tupleKey: string | null;
          if (sampled.has(n)) {
            const hardwareHash = buildHardwareHash({ serialNumber, manufacturer, model });
            const prepared = prepareFields({ serialNumber, hardwareHash });
            digest = prepared.hashDigest!;
            tupleKey = prepared.tupleKey;
            registered.push(hashBody(hardwareHash));
          } else {
            digest = crypto.createHash('sha256').update(`synthetic ${serialNumber}`).digest('hex');
            tupleKey = tupleKeyOf(manufacturer, model, serialNumber);
          }
          rows.push({
            batch_id: batchId,
            row_index: index,
            serial_number: serialNumber,
            hash_digest: digest,
            tuple_key: tupleKey,
            group_tag: name,
          });
          deviceRows.push({
            id: newSortableId(),
            customer_org_id: customer.id,
            hash_digest: digest,
            tuple_key: tupleKey,
            serial_number: serialNumber,
            group_tag: name,
            registered_by_org_id: partner.id,
            registered_by: registeredBy,
            registered_at: at,
            batch_id: batchId,
            batch_row_index: index,
            profile_id: profile.id,
            profile_status: 'assignedInSync',
            profile_assigned_at: at,
          });
        }
      }
      await database.db.transaction().execute(async (trx) => {
        await bulk.insert(trx, 'batches', batchRows);
        await bulk.insert(trx, 'batch_rows', rows);
        await bulk.insert(trx, 'devices', deviceRows);
      });
    }
    if (database.info.name === 'postgres') {
      // What autovacuum does within a minute or so of a bulk load; without statistics the
      // planner takes the freshly loaded tables for empty ones.
      await sql`analyze`.execute(database.db);
    }
    const counted = await database.db
      .selectFrom('devices')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();

    const unknown: string[] = [];
    for (let i = 0; i < unknownCount; i++) {
      unknown.push(
        hashBody(buildHardwareHash({ serialNumber: `LU${pad(i, 7)}`, manufacturer, model })),
      );
    }
    // Shuffled, so consecutive lookups hit unrelated rows rather than insertion order.
    for (let i = registered.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [registered[i], registered[j]] = [registered[j]!, registered[i]!];
    }
    return {
      partnerId: partner.id,
      customerId: customer.id,
      customerDomain: customer.domain ?? '',
      profileId: profile.id,
      clientId: client.clientId,
      clientSecret: secret,
      devices: Number(counted.n),
      seededBatches: Math.ceil(devices / SEED_BATCH_ROWS),
      registered,
      unknown,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await database.close();
  }
}

// ---------------------------------------------------------------------------------------
// The server process and its probe

/**
 * Preloaded into the server (`--import <temporary folder>/probe.mjs`): answers `{loadProbe, id, gc?}` over IPC
 * with its memory, ELU and CPU since its previous periodic sample; a forced GC first when
 * asked. When the orchestrator disconnects (it stops the server, or it died), the server
 * gets SIGTERM and shuts down as `preflight serve` does.
 */
const probeSource = `
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();
let lastElu = performance.eventLoopUtilization();
let lastCpu = process.cpuUsage();
let lastWall = performance.now();
process.on('message', (m) => {
  if (!m || m.loadProbe !== true) return;
  let gcMs;
  if (m.gc && typeof globalThis.gc === 'function') {
    const started = performance.now();
    globalThis.gc();
    globalThis.gc();
    gcMs = performance.now() - started;
  }
  const memory = process.memoryUsage();
  const reply = { loadProbe: true, id: m.id, gcMs, ...memory };
  if (!m.gc) {
    const elu = performance.eventLoopUtilization(lastElu);
    const cpu = process.cpuUsage(lastCpu);
    const wall = performance.now();
    reply.elu = elu.utilization;
    reply.cpu = (cpu.user + cpu.system) / 1000 / (wall - lastWall);
    reply.stallMs = delay.max / 1e6;
    delay.reset();
    lastElu = performance.eventLoopUtilization();
    lastCpu = process.cpuUsage();
    lastWall = wall;
  }
  process.send(reply);
});
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
`;

interface ProbeReply {
  id: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  elu?: number;
  cpu?: number;
  stallMs?: number;
  gcMs?: number;
}

class ServerProcess {
  private readonly replies = new EventEmitter();
  private nextId = 0;
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  readonly warnings: string[] = [];
  readonly errors: string[] = [];

  constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (m: ProbeReply & { loadProbe?: boolean }) => {
      if (m.loadProbe) {
        this.replies.emit(String(m.id), m);
      }
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const lines = (stream: NodeJS.ReadableStream | null) => {
      let rest = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        rest += chunk;
        const parts = rest.split('\n');
        rest = parts.pop()!;
        for (const line of parts) {
          this.line(line);
        }
      });
      stream?.on('end', () => rest && this.line(rest));
    };
    lines(child.stdout);
    lines(child.stderr);
  }

  /** A log line of the server: pino JSON (level 40 warn, 50 error, 60 fatal) or raw text. */
  private line(text: string): void {
    if (!text.trim()) {
      return;
    }
    try {
      const entry = JSON.parse(text) as {
        level?: number;
        msg?: string;
        err?: { message?: string };
      };
      const summary =
        `${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}`.slice(0, 300);
      if ((entry.level ?? 0) >= 50) {
        this.errors.push(summary);
      } else if ((entry.level ?? 0) >= 40) {
        this.warnings.push(summary);
      }
    } catch {
      this.warnings.push(text.slice(0, 300));
    }
  }

  probe(gc = false): Promise<ProbeReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('the server did not answer the probe in 30 s')),
        30_000,
      );
      this.replies.once(String(id), (m: ProbeReply) => {
        clearTimeout(timer);
        resolve(m);
      });
      this.child.send({ loadProbe: true, id, gc });
    });
  }

  /** SIGTERM through the probe (IPC disconnect), as an operator stops the service. */
  async stop(): Promise<{ code: number | null; signal: string | null }> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return this.exited;
    }
    if (this.child.connected) {
      this.child.disconnect();
    } else {
      this.child.kill('SIGTERM');
    }
    const timeout = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    const exit = await this.exited;
    clearTimeout(timeout);
    return exit;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
    }
  }
}

async function startServer(databaseUrl: string, dir: string): Promise<ServerProcess> {
  const probe = path.join(dir, 'probe.mjs');
  fs.writeFileSync(probe, probeSource);
  const port = await freePort();
  const root = repoRoot();
  const child = fork(path.join(root, 'bin', 'preflight.js'), ['serve'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      PREFLIGHT_RATE_FIRST_BOOT_PER_MINUTE: RAISED_LIMIT,
      PREFLIGHT_RATE_CLIENT_PER_MINUTE: RAISED_LIMIT,
      PREFLIGHT_RATE_TOKEN_PER_MINUTE: RAISED_LIMIT,
    },
    execArgv: [...NODE_FLAGS, '--expose-gc', '--import', pathToFileURL(probe).href],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const server = new ServerProcess(child, `http://127.0.0.1:${port}`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `the server exited at start (${child.exitCode ?? child.signalCode}): ${[...server.errors, ...server.warnings].join(' | ')}`,
      );
    }
    try {
      const response = await fetch(`${server.url}/healthz`);
      await response.arrayBuffer();
      if (response.status === 200) {
        return server;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      server.kill();
      throw new Error('the server did not answer /healthz within 60 s');
    }
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------
// The HTTP side

async function token(url: string, tenant: string, seeded: Seeded): Promise<string> {
  const response = await fetch(`${url}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: seeded.clientId,
      client_secret: seeded.clientSecret,
      scope: 'https://graph.microsoft.com/.default',
    }).toString(),
  });
  if (response.status !== 200) {
    throw new Error(`token refused: ${response.status} ${await response.text()}`);
  }
  return ((await response.json()) as { access_token: string }).access_token;
}

interface BatchStatusBody {
  status?: string;
  devicesStatus?: { status?: string; deviceId?: string | null; errorCode?: string | null }[];
}

/** Fresh devices for the batch submissions, built before the load (≈ 40 µs a hash). */
class FreshBatches {
  private readonly bodies: string[] = [];
  private next = 0;
  built = 0;
  /** Bodies built during the load because the pre-built ones ran out. */
  builtLate = 0;

  constructor(private readonly runTag: string) {}

  private build(): string {
    const b = this.built++;
    const devices = Array.from({ length: BATCH_SIZE }, (_, i) => {
      const serialNumber = freshSerial(b, i);
      return {
        serialNumber,
        hardwareHash: buildHardwareHash({ serialNumber, manufacturer, model }),
      };
    });
    return JSON.stringify({ batchId: `load-${this.runTag}-${pad(b, 6)}`, devices });
  }

  prebuild(count: number): void {
    while (this.bodies.length < count) {
      this.bodies.push(this.build());
    }
  }

  /** The next body; its batch number is `sent - 1`. */
  take(): string {
    if (this.next >= this.bodies.length) {
      this.builtLate += 1;
      this.bodies.push(this.build());
    }
    const body = this.bodies[this.next]!;
    this.bodies[this.next] = '';
    this.next += 1;
    return body;
  }

  get sent(): number {
    return this.next;
  }
}

/** Latencies and outcomes of one kind, split into warm-up and measured window. */
class Collector {
  times = new Float64Array(1 << 14);
  at = new Float64Array(1 << 14);
  count = 0;
  statuses: Record<string, number> = {};
  errors = 0;
  wrong = 0;
  wrongSamples: string[] = [];
  warm = { responses: 0, errors: 0, wrong: 0, statuses: {} as Record<string, number> };

  constructor(private readonly window: { start: number; end: number }) {}

  private measuring(now: number): boolean {
    return now >= this.window.start && now < this.window.end;
  }

  response(status: number, ms: number): void {
    const now = performance.now();
    if (!this.measuring(now)) {
      if (now < this.window.start) {
        this.warm.responses += 1;
        this.warm.statuses[status] = (this.warm.statuses[status] ?? 0) + 1;
      }
      return;
    }
    if (this.count === this.times.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.times = grow(this.times);
      this.at = grow(this.at);
    }
    this.times[this.count] = ms;
    this.at[this.count] = now;
    this.count += 1;
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
  }

  error(): void {
    const now = performance.now();
    if (this.measuring(now)) {
      this.errors += 1;
    } else if (now < this.window.start) {
      this.warm.errors += 1;
    }
  }

  /** A response whose status or content is not what this kind must answer. */
  mismatch(what: string): void {
    const now = performance.now();
    if (this.measuring(now)) {
      this.wrong += 1;
    } else if (now < this.window.start) {
      this.warm.wrong += 1;
    } else {
      return;
    }
    if (this.wrongSamples.length < 5) {
      this.wrongSamples.push(what.slice(0, 300));
    }
  }

  result(kind: Kind, load: KindLoad, seconds: number): KindResult {
    const times = this.times.slice(0, this.count);
    const sorted = times.slice().sort();
    const third = (this.window.end - this.window.start) / 3;
    const thirds = [0, 1, 2].map((k) => {
      const from = this.window.start + k * third;
      const to = from + third;
      const part: number[] = [];
      for (let i = 0; i < this.count; i++) {
        if (this.at[i]! >= from && this.at[i]! < to) {
          part.push(this.times[i]!);
        }
      }
      const s = Float64Array.from(part).sort();
      return { responses: s.length, p50: percentile(s, 50), p99: percentile(s, 99) };
    });
    return {
      kind,
      load,
      responses: this.count,
      rate: this.count / seconds,
      statuses: this.statuses,
      errors: this.errors,
      wrong: this.wrong,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1] ?? NaN,
      thirds,
      warmup: this.warm,
    };
  }
}

interface Shared {
  readonly seeded: Seeded;
  readonly partnerAuth: string;
  readonly customerAuth: string;
  readonly fresh: FreshBatches;
  /** Location paths of accepted batches, in the order their 202 arrived. */
  readonly trackings: string[];
  readonly polledStatuses: Record<string, number>;
  readonly window: { start: number; end: number };
}

/** The autocannon request of one kind, with its answer checks. */
function requestFor(kind: Kind, shared: Shared, collector: Collector): autocannon.Request {
  const { seeded } = shared;
  const customer = `/v1/customers/${seeded.customerId}`;
  const json = { 'content-type': 'application/json' };
  switch (kind) {
    case 'lookup': {
      let next = 0;
      const needle = seeded.profileId;
      return {
        method: 'POST',
        path: '/firstboot/v1/lookup',
        headers: json,
        setupRequest: (request) => {
          request.body = seeded.registered[next]!;
          next = (next + 1) % seeded.registered.length;
          return request;
        },
        onResponse: (status, body) => {
          if (status !== 200 || !body.includes(needle)) {
            collector.mismatch(`${status} ${body}`);
          }
        },
      };
    }
    case 'lookupUnknown': {
      let next = 0;
      return {
        method: 'POST',
        path: '/firstboot/v1/lookup',
        headers: json,
        setupRequest: (request) => {
          request.body = seeded.unknown[next]!;
          next = (next + 1) % seeded.unknown.length;
          return request;
        },
        onResponse: (status, body) => {
          if (status !== 404) {
            collector.mismatch(`${status} ${body}`);
          }
        },
      };
    }
    case 'submit':
      return {
        method: 'POST',
        path: `${customer}/deviceBatches`,
        headers: { ...json, authorization: shared.partnerAuth },
        setupRequest: (request) => {
          request.body = shared.fresh.take();
          return request;
        },
        onResponse: (status, body, _context, headers) => {
          const location = headers?.location ?? headers?.Location;
          if (status !== 202 || typeof location !== 'string') {
            collector.mismatch(`${status} ${body}`);
            return;
          }
          shared.trackings.push(location);
        },
      };
    case 'poll': {
      let next = 0;
      return {
        method: 'GET',
        path: `/v1${shared.trackings[0]}`,
        headers: { authorization: shared.partnerAuth },
        setupRequest: (request) => {
          // The ten most recent batches, in turn: those the worker is on or about to be.
          const recent = shared.trackings.slice(-10);
          request.path = `/v1${recent[next++ % recent.length]}`;
          return request;
        },
        onResponse: (status, body) => {
          let parsed: BatchStatusBody | undefined;
          try {
            parsed = JSON.parse(body) as BatchStatusBody;
          } catch {
            // reported below
          }
          const known = ['queued', 'processing', 'finished'];
          if (status !== 200 || !parsed?.status || !known.includes(parsed.status)) {
            collector.mismatch(`${status} ${body}`);
            return;
          }
          const now = performance.now();
          if (now >= shared.window.start && now < shared.window.end) {
            shared.polledStatuses[parsed.status] = (shared.polledStatuses[parsed.status] ?? 0) + 1;
          }
        },
      };
    }
    case 'graphList': {
      // Blocks of 100 seeded devices (`LS` + 7 digits), and one in five times a fresh batch.
      const blocks = Math.floor(seeded.devices / 100);
      const random = prng(7);
      let n = 0;
      const base = '/beta/deviceManagement/windowsAutopilotDeviceIdentities?$top=100&$filter=';
      return {
        method: 'GET',
        path: `${base}${encodeURIComponent("startswith(serialNumber,'LS0000000')")}`,
        headers: { authorization: shared.customerAuth },
        setupRequest: (request, context) => {
          const fresh = n++ % 5 === 4 && shared.fresh.sent > 0;
          const prefix = fresh
            ? `LF${pad(Math.floor(random() * shared.fresh.sent), 6)}`
            : `LS${pad(Math.floor(random() * blocks), 7)}`;
          const state = context as { prefix?: string; exact?: boolean };
          state.prefix = prefix;
          state.exact = !fresh;
          request.path = `${base}${encodeURIComponent(`startswith(serialNumber,'${prefix}')`)}`;
          return request;
        },
        onResponse: (status, body, context) => {
          const state = context as { prefix?: string; exact?: boolean };
          const prefix = state.prefix ?? '';
          let value: { serialNumber?: string }[] | undefined;
          try {
            value = (JSON.parse(body) as { value?: { serialNumber?: string }[] }).value;
          } catch {
            // reported below
          }
          const ok =
            status === 200 &&
            Array.isArray(value) &&
            value.length <= 100 &&
            (!state.exact || value.length === 100) &&
            value.every((d) => d.serialNumber?.startsWith(prefix));
          if (!ok) {
            collector.mismatch(
              `${prefix}: ${status} ${Array.isArray(value) ? `${value.length} devices` : body}`,
            );
          }
        },
      };
    }
    case 'batchList':
      return {
        method: 'GET',
        path: `${customer}/deviceBatches`,
        headers: { authorization: shared.partnerAuth },
        onResponse: (status, body) => {
          let total: number | undefined;
          try {
            total = (JSON.parse(body) as { totalCount?: number }).totalCount;
          } catch {
            // reported below
          }
          if (status !== 200 || total === undefined || total < seeded.seededBatches) {
            collector.mismatch(`${status} totalCount ${total ?? body}`);
          }
        },
      };
  }
}

/** Polls every accepted batch until it ends (or the deadline), counting its devices. */
async function drainBatches(
  url: string,
  shared: Shared,
  deadlineMs: number,
): Promise<Omit<BatchOutcome, 'sent' | 'accepted' | 'polledStatuses'>> {
  const started = performance.now();
  const auth = { authorization: shared.partnerAuth };
  const status = async (location: string): Promise<BatchStatusBody> => {
    const response = await fetch(`${url}/v1${location}`, { headers: auth });
    const text = await response.text();
    if (response.status !== 200) {
      throw new Error(`status ${location}: ${response.status} ${text.slice(0, 300)}`);
    }
    return JSON.parse(text) as BatchStatusBody;
  };
  const done = (s: BatchStatusBody) =>
    s.status === 'finished' || s.status === 'finished_with_errors';
  // The worker takes batches in order: wait on the last one first, then read them all.
  const last = shared.trackings[shared.trackings.length - 1];
  while (last && performance.now() - started < deadlineMs) {
    if (done(await status(last))) {
      break;
    }
    await sleep(200);
  }
  let finished = 0;
  let registered = 0;
  let failedDevices = 0;
  const errorCodes: Record<string, number> = {};
  const notFinished: string[] = [];
  let lastDone = performance.now();
  for (const location of shared.trackings) {
    let s = await status(location);
    while (!done(s) && performance.now() - started < deadlineMs) {
      await sleep(200);
      s = await status(location);
    }
    if (!done(s)) {
      notFinished.push(`${location}: ${s.status}`);
      continue;
    }
    lastDone = performance.now();
    finished += 1;
    for (const device of s.devicesStatus ?? []) {
      if (device.errorCode || !device.deviceId) {
        failedDevices += 1;
        const code = device.errorCode ?? `no deviceId (${device.status})`;
        errorCodes[code] = (errorCodes[code] ?? 0) + 1;
      } else {
        registered += 1;
      }
    }
  }
  return {
    finished,
    registered,
    failedDevices,
    errorCodes,
    notFinished,
    drainSeconds: (lastDone - started) / 1000,
  };
}

async function checkDatabase(config: DatabaseConfig, runTag: string): Promise<DatabaseCheck> {
  const database = await openDatabase(config);
  try {
    const db = database.db;
    const count = async (where?: string) => {
      const row = await sql<{ n: number | string }>`select count(*) as n from devices ${
        where ? sql`where serial_number like ${where}` : sql``
      }`.execute(db);
      return Number(row.rows[0]!.n);
    };
    const batches = await sql<{
      status: string;
      n: number | string;
      registered: number | string;
      total: number | string;
    }>`
      select status, count(*) as n, sum(registered_rows) as registered, sum(total_rows) as total
        from batches where device_batch_name like ${`load-${runTag}-%`} group by status`.execute(
      db,
    );
    const byStatus: Record<string, number> = {};
    let registered = 0;
    let total = 0;
    for (const row of batches.rows) {
      byStatus[row.status] = Number(row.n);
      registered += Number(row.registered);
      total += Number(row.total);
    }
    return {
      devices: await count(),
      freshDevices: await count('LF%'),
      loadBatches: Object.values(byStatus).reduce((a, b) => a + b, 0),
      loadBatchesByStatus: byStatus,
      loadRowsRegistered: registered,
      loadRowsTotal: total,
    };
  } finally {
    await database.close();
  }
}

// ---------------------------------------------------------------------------------------
// Memory

const metrics: MemoryMetric[] = [
  'rssMb',
  'rssAnonMb',
  'rssFileMb',
  'dbMappedMb',
  'nativeMb',
  'heapUsedMb',
  'externalMb',
];

export function analyseMemory(
  samples: readonly MemorySample[],
  gc: readonly GcPoint[],
  duration: number,
): MemoryAnalysis {
  const load = samples.filter((s) => s.phase === 'load');
  const inThird = (k: number) =>
    load.filter(
      (s) => s.t >= (k * duration) / 3 && s.t < ((k + 1) * duration) / 3 + (k === 2 ? 1 : 0),
    );
  const parts = [inThird(0), inThird(1), inThird(2)];
  const thirds = {} as Record<MemoryMetric, [number, number, number]>;
  const slopes = {} as Record<MemoryMetric, number>;
  const laterTwo = load.filter((s) => s.t >= duration / 3);
  for (const m of metrics) {
    thirds[m] = [
      mean(parts[0]!.map((s) => s[m])),
      mean(parts[1]!.map((s) => s[m])),
      mean(parts[2]!.map((s) => s[m])),
    ];
    slopes[m] = slope(laterTwo.map((s) => ({ x: s.t / 60, y: s[m] })));
  }
  const troughs = parts.map((p) => Math.min(...p.map((s) => s.heapUsedMb))) as [
    number,
    number,
    number,
  ];
  const at = (label: string) => gc.find((g) => g.label === label);
  const oneThird = at('⅓');
  const end = at('end of load');
  const heapGrowthMb = oneThird && end ? end.heapUsedMb - oneThird.heapUsedMb : NaN;
  const rssGrowthMb = thirds.rssMb[2] - thirds.rssMb[1];
  const rssAnonGrowthMb = thirds.rssAnonMb[2] - thirds.rssAnonMb[1];
  // Flat: the post-GC heap grew by less than 2 MB or 5 % between ⅓ and the end (troughs when
  // no GC was forced); the mean anonymous RSS of the last third is within 8 MB or 3 % of
  // the middle third's, and so is the mean of what lies outside the V8 heap (RssAnon −
  // heapTotal, which does not follow the GC sawtooth). Anonymous: file-backed pages (code,
  // and the database file when SQLite maps it) come and go with the file's size and the
  // kernel, not with our allocations.
  const heapBase = oneThird?.heapUsedMb ?? troughs[1];
  const heapDelta = Number.isFinite(heapGrowthMb) ? heapGrowthMb : troughs[2] - troughs[1];
  const heapFlat = heapDelta <= Math.max(2, 0.05 * heapBase);
  const nativeGrowthMb = thirds.nativeMb[2] - thirds.nativeMb[1];
  const rssAnonFlat =
    rssAnonGrowthMb <= Math.max(8, 0.03 * thirds.rssAnonMb[1]) &&
    nativeGrowthMb <= Math.max(8, 0.03 * thirds.nativeMb[1]);
  return {
    thirds,
    slopeMbPerMin: slopes,
    heapTroughsMb: troughs,
    gc: [...gc],
    heapGrowthMb,
    rssGrowthMb,
    rssAnonGrowthMb,
    nativeGrowthMb,
    heapFlat,
    rssAnonFlat,
  };
}

// ---------------------------------------------------------------------------------------
// The trial

export async function runLoadTrial(options: LoadOptions): Promise<LoadReport> {
  const log = options.log ?? (() => undefined);
  const mix: Record<Kind, KindLoad> = { ...defaultMix, ...options.mix };
  const sampleCount = options.sample ?? 5_000;
  const unknownCount = options.unknown ?? 1_000;
  const timeoutSeconds = options.timeoutSeconds ?? 10;
  const gcCheckpoints = options.gcCheckpoints ?? true;
  const duration = options.durationSeconds;
  const warmup = options.warmupSeconds;
  const keep = options.keep ?? false;
  if (options.devices < 1000) {
    throw new Error('seed at least 1000 devices (the listings read blocks of 100 seeded devices)');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-load-'));
  const runTag = crypto.randomBytes(3).toString('hex');
  const problems: string[] = [];
  let database: Scratch | undefined;
  let server: ServerProcess | undefined;
  try {
    database = await scratch(options.backend, dir, options.pgUrl ?? defaultPgUrl(), keep);
    log(`seeding ${options.devices} devices (${options.backend})`);
    const seeded = await seed(database.url, options.devices, sampleCount, unknownCount);
    const dbSize = () =>
      database?.sqliteFile
        ? fs
            .readdirSync(dir)
            .reduce((sum, file) => sum + fs.statSync(path.join(dir, file)).size, 0) / 1e6
        : null;
    const dbMb = dbSize();
    log(
      `seeded ${seeded.devices} devices in ${seeded.seconds.toFixed(1)} s${dbMb ? `, database ${dbMb.toFixed(0)} MB` : ''}`,
    );

    const fresh = new FreshBatches(runTag);
    const submitRate = mix.submit.rate ?? 10;
    const built = performance.now();
    fresh.prebuild(Math.ceil(submitRate * (warmup + duration + 2) * 1.25) + 10);
    log(
      `built ${fresh.built * BATCH_SIZE} fresh devices in ${((performance.now() - built) / 1000).toFixed(1)} s`,
    );

    server = await startServer(database.url, dir);
    const startMemory = procMemory(server.child.pid!);
    log(`server at ${server.url}, pid ${server.child.pid}, RSS ${startMemory.rssMb.toFixed(0)} MB`);
    const partnerAuth = `Bearer ${await token(server.url, seeded.partnerId, seeded)}`;
    const customerAuth = `Bearer ${await token(server.url, seeded.customerId, seeded)}`;

    // One batch before the load: the polls need a tracking id from the start.
    const trackings: string[] = [];
    const first = await fetch(`${server.url}/v1/customers/${seeded.customerId}/deviceBatches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: partnerAuth },
      body: fresh.take(),
    });
    const firstText = await first.text();
    const firstLocation = first.headers.get('location');
    if (first.status !== 202 || !firstLocation) {
      throw new Error(`the first batch was refused: ${first.status} ${firstText.slice(0, 300)}`);
    }
    trackings.push(firstLocation);

    const quietBefore = await quiet((options.quietWaitSeconds ?? 30) * 1000);
    if (quietBefore >= 0.15) {
      log(
        `the machine is busy (${quietBefore.toFixed(2)} cores used by other processes); loading anyway`,
      );
    }

    const begin = performance.now();
    const window = { start: begin + warmup * 1000, end: begin + (warmup + duration) * 1000 };
    const shared: Shared = {
      seeded,
      partnerAuth,
      customerAuth,
      fresh,
      trackings,
      polledStatuses: {},
      window,
    };
    const collectors = Object.fromEntries(kinds.map((k) => [k, new Collector(window)])) as Record<
      Kind,
      Collector
    >;
    const t = (now = performance.now()) => (now - window.start) / 1000;

    // Memory: /proc every second, and the probe's view of the heap.
    const samples: MemorySample[] = [];
    const gc: GcPoint[] = [];
    const pid = server.child.pid!;
    const running = server;
    let sampling = true;
    let loadDone = false;
    const mappedDir = database.sqliteFile ? dir : undefined;
    const sampleOnce = async (): Promise<void> => {
      const at = performance.now();
      const reply = await running.probe();
      const proc = procMemory(pid);
      samples.push({
        t: t(at),
        phase: at < window.start ? 'warmup' : loadDone ? 'after' : 'load',
        rssMb: proc.rssMb,
        rssAnonMb: proc.rssAnonMb,
        rssFileMb: proc.rssFileMb,
        dbMappedMb: mappedUnder(pid, mappedDir),
        nativeMb: proc.rssAnonMb - mb(reply.heapTotal),
        heapUsedMb: mb(reply.heapUsed),
        heapTotalMb: mb(reply.heapTotal),
        externalMb: mb(reply.external),
        arrayBuffersMb: mb(reply.arrayBuffers),
        elu: reply.elu ?? NaN,
        cpu: reply.cpu ?? NaN,
        stallMs: reply.stallMs ?? NaN,
      });
    };
    const checkpoint = async (label: string): Promise<void> => {
      const at = performance.now();
      const reply = await running.probe(true);
      const proc = procMemory(pid);
      gc.push({
        label,
        t: t(at),
        heapUsedMb: mb(reply.heapUsed),
        rssMb: proc.rssMb,
        rssAnonMb: proc.rssAnonMb,
        externalMb: mb(reply.external),
        gcMs: reply.gcMs ?? NaN,
      });
    };
    const sampler = (async () => {
      let next = performance.now();
      while (sampling) {
        await sampleOnce();
        next += 1000;
        await sleep(Math.max(0, next - performance.now()));
      }
    })();
    const timers: NodeJS.Timeout[] = [];
    const checkpoints: Promise<void>[] = [];
    if (gcCheckpoints) {
      for (const [label, at] of [
        ['start of load', 0],
        ['⅓', duration / 3],
        ['⅔', (2 * duration) / 3],
      ] as const) {
        timers.push(
          setTimeout(
            () => checkpoints.push(checkpoint(label)),
            window.start + at * 1000 - performance.now(),
          ),
        );
      }
    }

    const ticks = cpuTicks();
    const clientCpu = process.cpuUsage();
    log(
      `load: ${warmup} s warm-up + ${duration} s measured; ${kinds
        .map((k) => `${k} ${mix[k].connections} conn${mix[k].rate ? ` @ ${mix[k].rate}/s` : ''}`)
        .join(', ')}`,
    );
    const instances = kinds
      .filter((k) => mix[k].connections > 0)
      .map((kind) => {
        const collector = collectors[kind];
        const instance = autocannon({
          url: server!.url,
          connections: mix[kind].connections,
          pipelining: 1,
          duration: warmup + duration,
          timeout: timeoutSeconds,
          ...(mix[kind].rate ? { overallRate: mix[kind].rate } : {}),
          requests: [requestFor(kind, shared, collector)],
        });
        const events = instance as unknown as EventEmitter;
        events.on('response', (_client: unknown, status: number, _bytes: number, ms: number) =>
          collector.response(status, ms),
        );
        events.on('reqError', () => collector.error());
        return instance;
      });
    await Promise.all(instances);
    loadDone = true;
    const loadEnd = performance.now();
    timers.forEach(clearTimeout);
    await Promise.all(checkpoints);
    if (gcCheckpoints) {
      await checkpoint('end of load');
    }
    const measured = (Math.min(loadEnd, window.end) - window.start) / 1000;
    const clientUsed = process.cpuUsage(clientCpu);
    const clientCores = (clientUsed.user + clientUsed.system) / 1000 / (loadEnd - begin);
    const machine = busyCores(ticks, cpuTicks());
    log(`load done; draining ${trackings.length} accepted batches`);

    const drained = await drainBatches(server.url, shared, (options.drainSeconds ?? 300) * 1000);
    await sleep(2000);
    await sampleOnce();
    if (gcCheckpoints) {
      await checkpoint('after drain');
    }
    sampling = false;
    await sampler;
    const peakRssMb = procMemory(pid).hwmMb;
    const exit = await server.stop();
    const serverLog = { warnings: server.warnings, errors: server.errors };
    server = undefined;
    const dbMbAfter = dbSize();
    const dbCheck = await checkDatabase(database.config, runTag);

    const results = kinds
      .filter((k) => mix[k].connections > 0)
      .map((k) => collectors[k].result(k, mix[k], measured));
    const loadSamples = samples.filter((s) => s.phase === 'load');
    const serverCpu = mean(loadSamples.map((s) => s.cpu).filter(Number.isFinite));
    const serverElu = mean(loadSamples.map((s) => s.elu).filter(Number.isFinite));
    const memory = analyseMemory(samples, gc, duration);

    // What must hold.
    for (const r of results) {
      const unexpected = Object.entries(r.statuses)
        .filter(([code]) => Number(code) !== expectedStatus[r.kind])
        .map(([code, n]) => `${n} × ${code}`);
      const warmUnexpected = Object.entries(r.warmup.statuses)
        .filter(([code]) => Number(code) !== expectedStatus[r.kind])
        .map(([code, n]) => `${n} × ${code}`);
      if (r.responses === 0) {
        problems.push(`${r.kind}: no response in the measured window`);
      }
      if (unexpected.length) {
        problems.push(`${r.kind}: unexpected statuses ${unexpected.join(', ')}`);
      }
      if (warmUnexpected.length) {
        problems.push(
          `${r.kind}: unexpected statuses during the warm-up ${warmUnexpected.join(', ')}`,
        );
      }
      if (r.errors || r.warmup.errors) {
        problems.push(
          `${r.kind}: ${r.errors} errors (+ ${r.warmup.errors} during the warm-up): connection errors or timeouts (${timeoutSeconds} s)`,
        );
      }
      if (r.wrong || r.warmup.wrong) {
        problems.push(
          `${r.kind}: ${r.wrong} wrong answers (+ ${r.warmup.wrong} during the warm-up), e.g. ${collectors[r.kind].wrongSamples.join(' | ')}`,
        );
      }
    }
    const batches: BatchOutcome = {
      sent: fresh.sent,
      accepted: trackings.length,
      polledStatuses: shared.polledStatuses,
      ...drained,
    };
    if (drained.notFinished.length) {
      problems.push(
        `${drained.notFinished.length} accepted batches not finished after the drain: ${drained.notFinished.slice(0, 5).join(', ')}`,
      );
    }
    if (drained.failedDevices) {
      problems.push(
        `${drained.failedDevices} fresh devices not registered: ${JSON.stringify(drained.errorCodes)}`,
      );
    }
    if (drained.registered !== drained.finished * BATCH_SIZE) {
      problems.push(
        `${drained.registered} devices registered in ${drained.finished} finished batches of ${BATCH_SIZE}`,
      );
    }
    // The database: every accepted batch is there; at most the POSTs in flight when the load
    // stopped (one per submit connection) were stored without their 202 being seen.
    const inFlight = mix.submit.connections;
    if (dbCheck.loadBatches < trackings.length || dbCheck.loadBatches > fresh.sent) {
      problems.push(
        `the database holds ${dbCheck.loadBatches} load batches; ${trackings.length} were accepted of ${fresh.sent} sent`,
      );
    }
    const finishedInDb = dbCheck.loadBatchesByStatus.finished ?? 0;
    if (finishedInDb < trackings.length || dbCheck.loadBatches - finishedInDb > inFlight) {
      problems.push(
        `load batches by status in the database: ${JSON.stringify(dbCheck.loadBatchesByStatus)} (${trackings.length} accepted)`,
      );
    }
    if (
      dbCheck.freshDevices !== dbCheck.loadRowsRegistered ||
      dbCheck.freshDevices < drained.registered
    ) {
      problems.push(
        `the database holds ${dbCheck.freshDevices} fresh devices; the batches say ${dbCheck.loadRowsRegistered} registered, the status polls ${drained.registered}`,
      );
    }
    if (dbCheck.devices !== seeded.devices + dbCheck.freshDevices) {
      problems.push(
        `the database holds ${dbCheck.devices} devices, not ${seeded.devices} seeded + ${dbCheck.freshDevices} fresh`,
      );
    }
    if (exit.code !== 0) {
      problems.push(`the server exited with ${exit.code ?? exit.signal} after SIGTERM`);
    }
    if (serverLog.errors.length) {
      problems.push(
        `the server logged ${serverLog.errors.length} errors: ${serverLog.errors.slice(0, 3).join(' | ')}`,
      );
    }
    if (fresh.builtLate) {
      log(
        `${fresh.builtLate} batch bodies were built during the load (the pre-built ones ran out)`,
      );
    }

    const totalResponses = results.reduce((s, r) => s + r.responses, 0);
    const cpus = os.cpus();
    return {
      backend: options.backend,
      options: {
        devices: options.devices,
        durationSeconds: duration,
        warmupSeconds: warmup,
        mix,
        sample: seeded.registered.length,
        unknown: seeded.unknown.length,
        timeoutSeconds,
        gcCheckpoints,
      },
      date: new Date().toISOString(),
      machine: `Node ${process.version}, ${cpus.length} × ${cpus[0]?.model.trim() ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
      seed: { devices: seeded.devices, seconds: seeded.seconds, dbMb, dbMbAfter },
      serverStartRssMb: startMemory.rssMb,
      kinds: results,
      totals: {
        responses: totalResponses,
        rate: totalResponses / measured,
        errors: results.reduce((s, r) => s + r.errors + r.warmup.errors, 0),
        wrong: results.reduce((s, r) => s + r.wrong + r.warmup.wrong, 0),
        non2xxUnexpected: results.reduce(
          (s, r) =>
            s +
            Object.entries(r.statuses)
              .filter(([code]) => Number(code) !== expectedStatus[r.kind])
              .reduce((a, [, n]) => a + n, 0),
          0,
        ),
      },
      memory,
      samples,
      server: {
        cpu: serverCpu,
        elu: serverElu,
        exitCode: exit.code,
        signal: exit.signal,
        peakRssMb,
        warnings: serverLog.warnings,
        errors: serverLog.errors,
      },
      loadGenerator: {
        cpu: clientCores,
        otherCpu: Math.max(0, machine - serverCpu - clientCores),
        quietBefore,
      },
      batches,
      database: dbCheck,
      problems,
    };
  } finally {
    server?.kill();
    await database?.dispose().catch(() => undefined);
    if (keep) {
      log(`kept ${dir}`);
    } else {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

// ---------------------------------------------------------------------------------------
// The report

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const thousands = (n: number) => Math.round(n).toLocaleString('en-US');
const sign = (n: number) => `${n >= 0 ? '+' : ''}${f(n)}`;

/** The figures of a run, as the Markdown that docs/reliability.md carries. */
export function reportMarkdown(report: LoadReport, command: string): string {
  const m = report.memory;
  const stallBefore = (row: MemorySample) =>
    Math.max(
      ...report.samples.filter((s) => s.t > row.t - 5 && s.t <= row.t).map((s) => s.stallMs),
    );
  const inWindow = report.samples.filter((s) => s.phase === 'load' && Number.isFinite(s.stallMs));
  const worst = inWindow.reduce<MemorySample | undefined>(
    (a, b) => (!a || b.stallMs > a.stallMs ? b : a),
    undefined,
  );
  const stalls = worst
    ? `The server's event loop stalled at most ${f(worst.stallMs, 0)} ms (at t ≈ ${f(worst.t, 0)} s); ${inWindow.filter((s) => s.stallMs > 50).length} of ${inWindow.length} one-second samples had a stall over 50 ms${m.gc.length ? `; the forced GCs themselves took ${m.gc.map((g) => f(g.gcMs, 0)).join(', ')} ms` : ''}.`
    : '';
  const o = report.options;
  const lines = [
    `Last run: \`${command}\` · ${report.backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'} · ${report.seed.devices.toLocaleString('en-US')} seeded devices${report.seed.dbMb ? ` (database ${f(report.seed.dbMb, 0)} MB)` : ''} · ${o.warmupSeconds} s warm-up + **${o.durationSeconds} s measured** · ${report.machine} · ${report.date.slice(0, 10)}`,
    '',
    `Result: **${report.problems.length === 0 ? 'passed' : 'FAILED'}** — ${thousands(report.totals.responses)} responses in the measured window (${thousands(report.totals.rate)}/s), **${report.totals.errors} errors** (connection errors and timeouts, warm-up included), **${report.totals.non2xxUnexpected} unexpected statuses**, **${report.totals.wrong} wrong answers**; the server exited ${report.server.exitCode === 0 ? '0' : (report.server.exitCode ?? report.server.signal)} on SIGTERM and logged ${report.server.errors.length} errors and ${report.server.warnings.length} warnings.`,
    '',
    '| kind | load | responses | per second | statuses | p50 (ms) | p99 (ms) | max (ms) | p99 by third (ms) |',
    '| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | --- |',
    ...report.kinds.map(
      (r) =>
        `| ${kindLabels[r.kind]} | ${r.load.connections} connection${r.load.connections > 1 ? 's' : ''}, ${r.load.rate ? `paced at ${r.load.rate}/s` : 'closed loop'} | ${thousands(r.responses)} | ${thousands(r.rate)} | ${Object.entries(
          r.statuses,
        )
          .map(([code, n]) => `${thousands(n)} × ${code}`)
          .join(
            ', ',
          )}${r.errors ? `, ${r.errors} errors` : ''}${r.wrong ? `, ${r.wrong} wrong` : ''} | ${f(r.p50, 2)} | ${f(r.p99, 2)} | ${f(r.max, 1)} | ${r.thirds.map((t) => f(t.p99, 1)).join(' / ')} |`,
    ),
    '',
    `Batches: ${report.batches.sent} submitted (${report.batches.sent * BATCH_SIZE} fresh devices), ${report.batches.accepted} accepted (202; the first one before the load), ${report.batches.finished} finished with **${report.batches.registered} devices registered** and ${report.batches.failedDevices} refused; the last accepted batch was finished ${f(report.batches.drainSeconds, 1)} s after the load stopped. The polls saw ${
      Object.entries(report.batches.polledStatuses)
        .map(([s, n]) => `${n} × ${s}`)
        .join(', ') || 'nothing'
    }. Database after the run: ${report.database.devices.toLocaleString('en-US')} devices (${report.database.freshDevices} fresh), load batches ${JSON.stringify(report.database.loadBatchesByStatus)}.`,
    '',
    `Server: ${f(report.server.cpu * 100, 0)} % of a core on average over the window (event loop busy ${f(report.server.elu * 100, 0)} %); load generator ${f(report.loadGenerator.cpu * 100, 0)} %; other processes ${f(report.loadGenerator.otherCpu * 100, 0)} % (${f(report.loadGenerator.quietBefore * 100, 0)} % just before the load). ${stalls}`,
    '',
    '#### Memory of the server process',
    '',
    `RSS at start ${f(report.serverStartRssMb, 0)} MB, peak (VmHWM) ${f(report.server.peakRssMb, 0)} MB. Means over the thirds of the measured window, and the least-squares slope over the middle and last thirds:`,
    '',
    '| metric | first third (MB) | middle third (MB) | last third (MB) | last − middle (MB) | slope (MB/min) |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...(
      [
        ['RSS (VmRSS)', 'rssMb'],
        ['anonymous RSS (RssAnon: heap, SQLite page cache, native)', 'rssAnonMb'],
        ['file-backed RSS (RssFile: code, mapped files)', 'rssFileMb'],
        ['… of which database pages mapped by SQLite (smaps)', 'dbMappedMb'],
        ['anonymous RSS outside the V8 heap (RssAnon − heapTotal)', 'nativeMb'],
        ['V8 heap used (sampled, GC sawtooth)', 'heapUsedMb'],
        ['external (Buffers, native memory V8 knows of)', 'externalMb'],
      ] as const
    ).map(
      ([label, key]) =>
        `| ${label} | ${f(m.thirds[key][0])} | ${f(m.thirds[key][1])} | ${f(m.thirds[key][2])} | ${f(m.thirds[key][2] - m.thirds[key][1])} | ${f(m.slopeMbPerMin[key], 2)} |`,
    ),
    '',
    `Lowest heapUsed of each third: ${m.heapTroughsMb.map((v) => f(v)).join(' / ')} MB.${
      m.gc.length
        ? ` After a forced full GC: ${m.gc.map((g) => `${g.label} (t = ${f(g.t, 0)} s) heap ${f(g.heapUsedMb)} MB, RSS ${f(g.rssMb, 0)} MB`).join('; ')}.`
        : ''
    }`,
    '',
    `Verdict: JS heap **${m.heapFlat ? 'flat' : 'GROWING'}** (post-GC heap ${Number.isFinite(m.heapGrowthMb) ? `${m.heapGrowthMb >= 0 ? '+' : ''}${f(m.heapGrowthMb, 2)} MB from ⅓ to the end` : 'not forced'}); anonymous RSS ${!Number.isFinite(m.rssAnonGrowthMb) ? 'not judged (too few samples per third: run longer)' : `**${m.rssAnonFlat ? 'flat' : 'growing'}**`} (last third ${sign(m.rssAnonGrowthMb)} MB against the middle third, of which outside the V8 heap ${sign(m.nativeGrowthMb)} MB; total RSS ${sign(m.rssGrowthMb)} MB).`,
    ...(report.backend === 'sqlite' && report.seed.dbMb !== null && report.seed.dbMbAfter !== null
      ? [
          '',
          `SQLite: the database files grew from ${f(report.seed.dbMb, 0)} MB to ${f(report.seed.dbMbAfter, 0)} MB over the run (the fresh devices, with their 4 KB hashes). The server has two connections (the writer and the read-only one of the hot lookups), each with a page cache of up to 64 MiB (cache_size = -65536) that grows as pages are read and written and counts as anonymous RSS, so up to 128 MiB of RssAnon growth can be the caches filling rather than a leak. Pages of the database file that SQLite memory-maps count as file-backed RSS (${f(m.thirds.dbMappedMb[2], 0)} MB resident in the last third): they grow as lookups touch the file and fall when SQLite remaps a file that has grown, so total RSS moves with the database, not with our allocations. The JS heap after a GC is the figure that shows a leak in our code.`,
        ]
      : []),
    '',
    'RSS and heap every 5 s of the run (t = 0 is the start of the measured window; the longest stall of the event loop over the 5 s before each row):',
    '',
    '| t (s) | RSS (MB) | RssAnon (MB) | RssFile (MB) | database mapped (MB) | heapUsed (MB) | heapTotal (MB) | external (MB) | server CPU (%) | longest stall (ms) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.samples
      .filter((s, i, all) => i === 0 || i === all.length - 1 || Math.round(s.t) % 5 === 0)
      .map(
        (s) =>
          `| ${f(s.t, 0)}${s.phase === 'load' ? '' : ` (${s.phase})`} | ${f(s.rssMb, 0)} | ${f(s.rssAnonMb, 0)} | ${f(s.rssFileMb, 0)} | ${f(s.dbMappedMb, 0)} | ${f(s.heapUsedMb)} | ${f(s.heapTotalMb)} | ${f(s.externalMb)} | ${f(s.cpu * 100, 0)} | ${f(stallBefore(s), 0)} |`,
      ),
  ];
  if (report.problems.length) {
    lines.push('', '**What did not hold:**', '', ...report.problems.map((p) => `- ${p}`));
  }
  if (report.server.warnings.length) {
    lines.push(
      '',
      `Server warnings (first 5): ${report.server.warnings
        .slice(0, 5)
        .map((w) => `\`${w}\``)
        .join('; ')}`,
    );
  }
  return lines.join('\n');
}
