/**
 * The kit the crash and race trials share (`trials/crash.ts`, `trials/race.ts`): scratch
 * databases, `preflight serve` as a child process, seeding partners and customers through
 * the services, a Partner Center API client, synthetic devices, and the invariant and
 * integrity checks run on the database directly once the service has recovered.
 *
 * The server always runs as users run it — `node <NODE_FLAGS> bin/preflight.js serve` from the built
 * `dist/` — so `npm run build` must have run (the `trial:*` scripts do it).
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { loadConfig } from '../src/config/config.js';
import { operator } from '../src/domain/actor.js';
import { buildHardwareHash } from '../src/domain/hardware-hash.js';
import { NODE_FLAGS } from '../src/main/node-flags.js';
import { openServices } from '../src/main/server.js';
import { createOrganisation } from '../src/services/organisations.js';
import { prepareFields } from '../src/services/registration/prepare-fields.js';
import { acceptInvitation, inviteCustomer } from '../src/services/relationships.js';
import { actorForUser, createApiClient, createUser } from '../src/services/users.js';

// ---------------------------------------------------------------------------------------
// Where things are
// ---------------------------------------------------------------------------------------

/** The repository root: the nearest folder above this file holding `bin/preflight.js`. */
export const trialRepoRoot = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'bin', 'preflight.js'))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error('cannot find the repository root (bin/preflight.js) above trials/kit');
    }
    dir = parent;
  }
})();

const preflightBin = path.join(trialRepoRoot, 'bin', 'preflight.js');

/** Fails early, with the fix, when the built service the trials run is missing. */
export function assertBuilt(): void {
  if (!fs.existsSync(path.join(trialRepoRoot, 'dist', 'main', 'cli.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm run trial:* does).');
  }
}

export type Backend = 'sqlite' | 'postgres';

/**
 * The PostgreSQL server the trials use: PREFLIGHT_TRIAL_PG_URL, else PREFLIGHT_TEST_PG_URL,
 * else a local `postgres://postgres@127.0.0.1:5432/test`. Each run works in a schema of its
 * own there and drops it afterwards.
 */
export function trialPostgresUrl(): string {
  return (
    process.env.PREFLIGHT_TRIAL_PG_URL ||
    process.env.PREFLIGHT_TEST_PG_URL ||
    'postgres://postgres@127.0.0.1:5432/test'
  );
}

/** Parses `--backend sqlite|postgres|both`. */
export function backendsOf(value: string | undefined): Backend[] {
  switch (value ?? 'both') {
    case 'sqlite':
      return ['sqlite'];
    case 'postgres':
      return ['postgres'];
    case 'both':
      return ['sqlite', 'postgres'];
    default:
      throw new Error(`--backend must be sqlite, postgres or both (not "${value}")`);
  }
}

// ---------------------------------------------------------------------------------------
// Scratch databases
// ---------------------------------------------------------------------------------------

/** A fresh database for one trial run, and the DATABASE_URL the service reaches it by. */
export interface TrialDatabase {
  readonly backend: Backend;
  /** DATABASE_URL for `preflight serve` and for seeding. */
  readonly url: string;
  /** A folder of the run's own (the SQLite file, PREFLIGHT_DATA_DIR). */
  readonly dir: string;
  /** Where to look at it by hand: the SQLite file, or the PostgreSQL schema. */
  readonly where: string;
  readonly sqliteFile?: string;
  readonly pg?: { readonly url: string; readonly schema: string };
  /** Deletes the file or drops the schema. */
  dispose(): Promise<void>;
}

/**
 * A new SQLite file in a temporary folder, or a new schema on the trial PostgreSQL server.
 * The service is pointed at the schema through the connection's startup options
 * (`?options=-c search_path=SCHEMA` in DATABASE_URL), which node-postgres passes on.
 */
export async function createTrialDatabase(backend: Backend, label: string): Promise<TrialDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `preflight-trial-${label}-`));
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
  if (backend === 'sqlite') {
    const file = path.join(dir, 'preflight.sqlite');
    return {
      backend,
      url: `sqlite:${file}`,
      dir,
      where: file,
      sqliteFile: file,
      dispose: async () => removeDir(),
    };
  }
  const base = trialPostgresUrl();
  const schema = `preflight_trial_${label.replace(/[^a-z0-9]/g, '')}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    backend,
    url: url.toString(),
    dir,
    where: `schema ${schema} at ${base}`,
    pg: { url: base, schema },
    dispose: async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      try {
        await client.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await client.end();
      }
      removeDir();
    },
  };
}

/** A short-lived direct connection to a trial database: `?` placeholders on both. */
export interface TrialQuery {
  all<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
  run(text: string, params?: readonly unknown[]): Promise<number>;
  close(): Promise<void>;
}

/** Opens a direct connection to the database (not through the service). */
export async function queryTrialDatabase(database: TrialDatabase): Promise<TrialQuery> {
  if (database.sqliteFile) {
    const db = new Sqlite(database.sqliteFile);
    db.pragma('busy_timeout = 10000');
    return {
      all: async <R>(text: string, params: readonly unknown[] = []) =>
        db.prepare(text).all(...params) as R[],
      run: async (text, params = []) => db.prepare(text).run(...params).changes,
      close: async () => {
        db.close();
      },
    };
  }
  const client = new pg.Client({
    connectionString: database.pg!.url,
    options: `-c search_path=${database.pg!.schema}`,
  });
  await client.connect();
  const numbered = (text: string) => {
    let n = 0;
    return text.replace(/\?/g, () => `$${++n}`);
  };
  return {
    all: async <R>(text: string, params: readonly unknown[] = []) =>
      (await client.query(numbered(text), [...params])).rows as R[],
    run: async (text, params = []) =>
      (await client.query(numbered(text), [...params])).rowCount ?? 0,
    close: async () => {
      await client.end();
    },
  };
}

/** Runs `work` on a direct connection and closes it. */
export async function withTrialQuery<T>(
  database: TrialDatabase,
  work: (q: TrialQuery) => Promise<T>,
): Promise<T> {
  const q = await queryTrialDatabase(database);
  try {
    return await work(q);
  } finally {
    await q.close();
  }
}

// ---------------------------------------------------------------------------------------
// The service as a child process
// ---------------------------------------------------------------------------------------

/** A running `preflight serve`. */
export interface TrialServer {
  readonly pid: number;
  readonly url: string;
  readonly child: ChildProcess;
  /** Settles when the process has exited, however. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Log lines at level error or above ("batch processing failed", 500s …). */
  errors(): string[];
  /** The last log lines, for a report. */
  tail(lines?: number): string[];
  /** Ids of the batches this process's worker logged as processed. */
  processed(): string[];
  /** SIGKILL, and wait for the process to be gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful: the worker hands its batch back), and wait. */
  stop(): Promise<void>;
}

/** Servers still running, killed if this process exits first (a test that timed out). */
const liveServers = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveServers) {
    child.kill('SIGKILL');
  }
});

/** Environment every trial server gets: info logs (the URL line), limits out of the way. */
function serverEnv(database: TrialDatabase, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    DATABASE_URL: database.url,
    PREFLIGHT_DATA_DIR: database.dir,
    LOG_LEVEL: 'info',
    PREFLIGHT_RATE_CLIENT_PER_MINUTE: '10000000',
    PREFLIGHT_RATE_TOKEN_PER_MINUTE: '10000000',
    PREFLIGHT_RATE_FIRST_BOOT_PER_MINUTE: '10000000',
    ...extra,
  };
}

/**
 * Starts `node bin/preflight.js serve --port 0 --host 127.0.0.1` on the database and resolves
 * once it logs "preflight is listening" with its URL.
 */
export async function startTrialServer(
  database: TrialDatabase,
  extraEnv: Record<string, string> = {},
): Promise<TrialServer> {
  const child = spawn(
    process.execPath,
    [...NODE_FLAGS, preflightBin, 'serve', '--port', '0', '--host', '127.0.0.1'],
    {
      cwd: database.dir,
      env: serverEnv(database, extraEnv),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const recent: string[] = [];
  const errors: string[] = [];
  const processed: string[] = [];
  let stderr = '';
  let pending = '';
  let resolveUrl: (url: string) => void = () => undefined;
  const urlPromise = new Promise<string>((resolve) => (resolveUrl = resolve));
  const remember = (line: string) => {
    recent.push(line);
    if (recent.length > 400) {
      recent.splice(0, recent.length - 400);
    }
  };
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      remember(line);
      try {
        const entry = JSON.parse(line) as {
          level?: number;
          msg?: string;
          url?: string;
          batchId?: string;
        };
        if (entry.msg === 'preflight is listening' && entry.url) {
          resolveUrl(entry.url);
        }
        if (entry.msg === 'batch processed' && entry.batchId) {
          processed.push(entry.batchId);
        }
        if ((entry.level ?? 0) >= 50) {
          errors.push(line);
        }
      } catch {
        // not JSON: keep it in the tail only
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    remember(chunk.toString().trimEnd());
  });
  liveServers.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      liveServers.delete(child);
      resolve({ code, signal });
    }),
  );
  let timer: NodeJS.Timeout | undefined;
  const url = await Promise.race([
    urlPromise,
    exited.then(({ code, signal }) => {
      throw new Error(`preflight serve exited (${code ?? signal}) before listening: ${stderr}`);
    }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`preflight serve did not listen within 60 s: ${stderr}`));
      }, 60_000);
    }),
  ]).finally(() => clearTimeout(timer));
  const server: TrialServer = {
    pid: child.pid!,
    url,
    child,
    exited,
    errors: () => [...errors],
    tail: (lines = 40) => recent.slice(-lines),
    processed: () => [...processed],
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
      }
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
      }
      const force = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(force);
    },
  };
  return server;
}

// ---------------------------------------------------------------------------------------
// Parties
// ---------------------------------------------------------------------------------------

/** A partner with consent from one customer, and the partner's API client. */
export interface TrialParty {
  readonly partnerId: string;
  readonly partnerName: string;
  readonly customerId: string;
  readonly customerName: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/**
 * Creates each partner and customer (with an admin), makes their relationship active and
 * gives the partner an agent API client — through the services, as the CLI does — on
 * the trial database, migrating it first. Run before any server starts.
 */
export async function seedTrialParties(
  database: TrialDatabase,
  pairs: readonly { partner: string; customer: string }[],
): Promise<TrialParty[]> {
  const services = await openServices(
    loadConfig(
      { DATABASE_URL: database.url, PREFLIGHT_DATA_DIR: database.dir, LOG_LEVEL: 'silent' },
      database.dir,
    ),
  );
  const deps = services.deps;
  const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '');
  try {
    const parties: TrialParty[] = [];
    for (const pair of pairs) {
      const partner = await createOrganisation(deps, operator, {
        kind: 'partner',
        displayName: pair.partner,
        domain: `${slug(pair.partner)}.example`,
      });
      const customer = await createOrganisation(deps, operator, {
        kind: 'customer',
        displayName: pair.customer,
        domain: `${slug(pair.customer)}.example`,
      });
      const admin = `admin@${slug(pair.customer)}.example`;
      await createUser(deps, operator, { org: customer.id, email: admin, role: 'admin' });
      const { token } = await inviteCustomer(deps, operator, {
        from: partner.id,
        to: customer.id,
      });
      await acceptInvitation(deps, await actorForUser(deps, admin, [customer.id]), token);
      const { client, secret } = await createApiClient(deps, operator, {
        org: partner.id,
        roles: ['agent'],
      });
      parties.push({
        partnerId: partner.id,
        partnerName: pair.partner,
        customerId: customer.id,
        customerName: pair.customer,
        clientId: client.clientId,
        clientSecret: secret,
      });
    }
    return parties;
  } finally {
    await services.database.close();
  }
}

// ---------------------------------------------------------------------------------------
// Devices
// ---------------------------------------------------------------------------------------

/** A synthetic device with a valid 4K hash, and the digest Preflight keys it by. */
export interface TrialDevice {
  readonly serialNumber: string;
  readonly hardwareHash: string;
  readonly digest: string;
}

/** Device `n` of a series (`prefix` keeps series apart): unique serial, hash and digest. */
export function trialDevice(prefix: string, n: number): TrialDevice {
  const serialNumber = `${prefix}${String(n).padStart(7, '0')}`;
  const hardwareHash = buildHardwareHash({
    serialNumber,
    manufacturer: 'Contoso Devices',
    model: 'Laptop 7',
  });
  const digest = prepareFields({ serialNumber, hardwareHash }).hashDigest;
  if (!digest) {
    throw new Error(`the synthetic hash of ${serialNumber} has no digest`);
  }
  return { serialNumber, hardwareHash, digest };
}

// ---------------------------------------------------------------------------------------
// The Partner Center API, as a partner's script calls it
// ---------------------------------------------------------------------------------------

/** What a submission got back. `accepted` is an acknowledgement (202 + Location). */
export type TrialSubmitResult =
  | { kind: 'accepted'; location: string; trackingId: string; ms: number }
  | { kind: 'refused'; status: number; body: string; ms: number }
  | { kind: 'failed'; error: string; ms: number };

/** One device's outcome on the wire (`BatchUploadDetails.devicesStatus[]`). */
export interface TrialDeviceStatus {
  deviceId: string | null;
  serialNumber: string | null;
  status: string;
  errorCode: string | null;
  errorDescription: string | null;
}

/** `BatchUploadDetails` as far as the trials read it. */
export interface TrialBatchStatus {
  status: string;
  devicesStatus: TrialDeviceStatus[];
}

/** A partner's API client against one server: a token for its customer, then the routes. */
export class TrialPartnerApi {
  private token: string | undefined;

  constructor(
    readonly baseUrl: string,
    readonly party: TrialParty,
  ) {}

  /** Gets (once) a token for the customer's tenant with the client's credentials. */
  async accessToken(): Promise<string> {
    if (this.token) {
      return this.token;
    }
    const response = await fetch(
      `${this.baseUrl}/${encodeURIComponent(this.party.customerId)}/oauth2/v2.0/token`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: this.party.clientId,
          client_secret: this.party.clientSecret,
          scope: 'https://graph.microsoft.com/.default',
        }).toString(),
        signal: AbortSignal.timeout(30_000),
      },
    );
    const body = (await response.json()) as { access_token?: string };
    if (response.status !== 200 || !body.access_token) {
      throw new Error(`token request answered ${response.status}: ${JSON.stringify(body)}`);
    }
    this.token = body.access_token;
    return this.token;
  }

  /** `POST /v1/customers/{id}/deviceBatches` with `MS-RequestId`; never throws. */
  async submit(
    batchName: string,
    devices: readonly TrialDevice[],
    requestId: string,
  ): Promise<TrialSubmitResult> {
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    try {
      const token = await this.accessToken();
      const response = await fetch(
        `${this.baseUrl}/v1/customers/${encodeURIComponent(this.party.customerId)}/deviceBatches`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'ms-requestid': requestId,
          },
          body: JSON.stringify({
            batchId: batchName,
            devices: devices.map((d) => ({
              serialNumber: d.serialNumber,
              hardwareHash: d.hardwareHash,
            })),
          }),
          signal: AbortSignal.timeout(300_000),
        },
      );
      const location = response.headers.get('location');
      if (response.status === 202 && location) {
        await response.arrayBuffer();
        return {
          kind: 'accepted',
          location,
          trackingId: decodeURIComponent(location.split('/').pop() ?? ''),
          ms: ms(),
        };
      }
      return { kind: 'refused', status: response.status, body: await response.text(), ms: ms() };
    } catch (error) {
      return { kind: 'failed', error: describeError(error), ms: ms() };
    }
  }

  /** `GET /v1{Location}`. */
  async status(location: string): Promise<TrialBatchStatus> {
    const token = await this.accessToken();
    const response = await fetch(`${this.baseUrl}/v1${location}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(60_000),
    });
    if (response.status !== 200) {
      throw new Error(`GET ${location} answered ${response.status}: ${await response.text()}`);
    }
    return (await response.json()) as TrialBatchStatus;
  }

  /**
   * Polls a batch until it has ended; throws after `timeoutMs`, or as soon as `abort`
   * returns a reason.
   */
  async waitFinished(
    location: string,
    timeoutMs: number,
    pollMs = 500,
    abort?: () => string | undefined,
  ): Promise<TrialBatchStatus> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.status(location);
      if (isFinalWireStatus(status.status)) {
        return status;
      }
      const reason = abort?.();
      if (reason !== undefined) {
        throw new Error(`gave up waiting for ${location}: ${reason}`);
      }
      if (Date.now() > deadline) {
        throw new Error(
          `batch ${location} still "${status.status}" after ${Math.round(timeoutMs / 1000)} s`,
        );
      }
      await sleep(pollMs);
    }
  }
}

/** True for the wire statuses a batch ends in. */
export function isFinalWireStatus(status: string): boolean {
  return status === 'finished' || status === 'finished_with_errors';
}

// ---------------------------------------------------------------------------------------
// Invariants
// ---------------------------------------------------------------------------------------

/** One broken invariant, with enough detail to find it again. */
export interface TrialViolation {
  readonly invariant: string;
  readonly detail: string;
}

/** Row outcome codes the trials' own input can legitimately produce. */
export const expectedFailureCodes = [
  'device.registered_to_other_customer',
  'device.already_registered_here',
  'device.duplicate_in_request',
] as const;

/** What the store-wide check found besides violations. */
export interface StoreFigures {
  readonly batchesByStatus: Record<string, number>;
  readonly rows: number;
  readonly results: number;
  readonly devices: number;
  readonly outcomes: Record<string, number>;
  readonly maxAttempts: number;
}

const num = (value: unknown) => Number(value ?? 0);

/**
 * The store-wide invariants, checked on the database directly once no batch should be
 * running any more:
 *
 * 1. no acknowledged batch is left `queued` or `processing`, and none ended `failed`;
 * 2. every ended batch has exactly one result per row (`total_rows` rows, `total_rows`
 *    results) and counters that agree with them;
 * 3. every device is backed by its row's result saying `registered` with its id, for the
 *    batch's customer; every `registered` result names an existing device;
 * 4. no device key (hash digest, tuple, product key id) has two devices;
 * 5. every failed row's outcome agrees with who holds the device now: 808 → another
 *    customer's device, 806 → this customer's device of another batch, duplicate → an
 *    earlier row of the same batch; any other failure code is unexpected for the trials'
 *    valid input (a storage error, a lost device);
 * 6. a batch still `receiving` (its submitter died) has no results and no devices;
 * 7. every acknowledged batch has one `batch.submitted` audit event, every ended one a
 *    single `batch.finished`.
 */
export async function checkStoreInvariants(
  database: TrialDatabase,
): Promise<{ violations: TrialViolation[]; figures: StoreFigures }> {
  return withTrialQuery(database, async (q) => {
    const violations: TrialViolation[] = [];
    const add = (invariant: string, rows: readonly unknown[], limit = 5) => {
      if (rows.length > 0) {
        violations.push({
          invariant,
          detail: `${rows.length} case(s), e.g. ${JSON.stringify(rows.slice(0, limit))}`,
        });
      }
    };

    add(
      'acknowledged batch left unfinished or given up (queued/processing/failed)',
      await q.all(
        `select id, status, attempts, lease_expires_at, failure_reason from batches
          where status in ('queued', 'processing', 'failed')`,
      ),
    );
    add(
      'ended batch without exactly one result per row, or with counters that disagree',
      await q.all(
        `select b.id, b.status, b.total_rows, b.registered_rows, b.failed_rows,
                (select count(*) from batch_rows w where w.batch_id = b.id) as rows_stored,
                (select count(*) from batch_results r where r.batch_id = b.id) as results,
                (select count(*) from batch_results r
                  where r.batch_id = b.id and r.status = 'registered') as registered
           from batches b
          where b.status in ('finished', 'finished_with_errors', 'failed')
            and (b.total_rows <> (select count(*) from batch_rows w where w.batch_id = b.id)
              or b.total_rows <> (select count(*) from batch_results r where r.batch_id = b.id)
              or b.registered_rows + b.failed_rows <> b.total_rows
              or b.registered_rows <> (select count(*) from batch_results r
                                        where r.batch_id = b.id and r.status = 'registered')
              or (b.status = 'finished') <> (b.failed_rows = 0))`,
      ),
    );
    add(
      'device registered without its row saying so',
      await q.all(
        `select d.id, d.batch_id, d.batch_row_index, r.status, r.device_id
           from devices d
           left join batch_results r
             on r.batch_id = d.batch_id and r.row_index = d.batch_row_index
          where r.status is null or r.status <> 'registered' or r.device_id is null
             or r.device_id <> d.id`,
      ),
    );
    add(
      "device owned by another customer than its batch's",
      await q.all(
        `select d.id, d.customer_org_id, b.customer_org_id as batch_customer
           from devices d join batches b on b.id = d.batch_id
          where d.customer_org_id <> b.customer_org_id`,
      ),
    );
    add(
      'row says registered but its device does not exist',
      await q.all(
        `select r.batch_id, r.row_index, r.device_id
           from batch_results r left join devices d on d.id = r.device_id
          where r.status = 'registered' and d.id is null`,
      ),
    );
    for (const key of ['hash_digest', 'tuple_key', 'product_key_id']) {
      add(
        `device with two owners (${key})`,
        await q.all(
          `select ${key} as k, count(*) as n, count(distinct customer_org_id) as owners
             from devices where ${key} is not null group by ${key} having count(*) > 1`,
        ),
      );
    }
    add(
      'failed row whose outcome disagrees with who holds the device',
      await q.all(
        `select r.batch_id, r.row_index, r.code, b.customer_org_id as batch_customer,
                d.customer_org_id as owner, d.batch_id as owner_batch,
                d.batch_row_index as owner_row
           from batch_results r
           join batches b on b.id = r.batch_id
           join batch_rows w on w.batch_id = r.batch_id and w.row_index = r.row_index
           left join devices d on d.hash_digest = w.hash_digest
          where r.status = 'failed'
            and not (
                 (r.code = 'device.registered_to_other_customer'
                   and d.id is not null and d.customer_org_id <> b.customer_org_id)
              or (r.code = 'device.already_registered_here'
                   and d.id is not null and d.customer_org_id = b.customer_org_id
                   and d.batch_id <> r.batch_id)
              or (r.code = 'device.duplicate_in_request'
                   and d.id is not null and d.batch_id = r.batch_id
                   and d.batch_row_index < r.row_index))`,
      ),
    );
    add(
      'batch still receiving holds results or devices',
      await q.all(
        `select b.id,
                (select count(*) from batch_results r where r.batch_id = b.id) as results,
                (select count(*) from devices d where d.batch_id = b.id) as devices
           from batches b
          where b.status = 'receiving'
            and ((select count(*) from batch_results r where r.batch_id = b.id) > 0
              or (select count(*) from devices d where d.batch_id = b.id) > 0)`,
      ),
    );
    add(
      'acknowledged batch without exactly one batch.submitted / batch.finished audit event',
      await q.all(
        `select b.id, b.status,
                (select count(*) from audit_events a
                  where a.subject_id = b.id and a.action = 'batch.submitted') as submitted,
                (select count(*) from audit_events a
                  where a.subject_id = b.id and a.action = 'batch.finished') as finished
           from batches b
          where b.status <> 'receiving'
            and ((select count(*) from audit_events a
                   where a.subject_id = b.id and a.action = 'batch.submitted') <> 1
              or (select count(*) from audit_events a
                   where a.subject_id = b.id and a.action = 'batch.finished')
                 <> (case when b.status in ('finished', 'finished_with_errors', 'failed')
                          then 1 else 0 end))`,
      ),
    );

    const statuses = await q.all<{ status: string; n: unknown }>(
      'select status, count(*) as n from batches group by status',
    );
    const outcomes = await q.all<{ outcome: string; n: unknown }>(
      `select coalesce(code, status) as outcome, count(*) as n from batch_results
        group by coalesce(code, status)`,
    );
    const [counts] = await q.all<Record<string, unknown>>(
      `select (select count(*) from batch_rows) as rows_n,
              (select count(*) from batch_results) as results_n,
              (select count(*) from devices) as devices_n,
              (select coalesce(max(attempts), 0) from batches) as max_attempts`,
    );
    return {
      violations,
      figures: {
        batchesByStatus: Object.fromEntries(statuses.map((s) => [s.status, num(s.n)])),
        rows: num(counts?.rows_n),
        results: num(counts?.results_n),
        devices: num(counts?.devices_n),
        outcomes: Object.fromEntries(outcomes.map((o) => [o.outcome, num(o.n)])),
        maxAttempts: num(counts?.max_attempts),
      },
    };
  });
}

/** What the database's own integrity checks said. */
export interface IntegrityReport {
  readonly checks: string[];
  readonly problems: string[];
  /** Checks that could not run here (e.g. amcheck not installable), with why. */
  readonly skipped: string[];
}

/**
 * The database's own integrity check. SQLite: `pragma integrity_check` (b-trees, indexes
 * against tables, constraints) and `pragma foreign_key_check`. PostgreSQL: amcheck's
 * `bt_index_check(index, heapallindexed => true)` on every B-tree index of the schema
 * (index structure, and every heap tuple present in the index) and `verify_heapam` on
 * every table, when the extension can be used; plus a scan for rows breaking a foreign
 * key (which PostgreSQL enforces, so none are expected).
 */
export async function checkIntegrity(database: TrialDatabase): Promise<IntegrityReport> {
  const checks: string[] = [];
  const problems: string[] = [];
  const skipped: string[] = [];
  if (database.sqliteFile) {
    const db = new Sqlite(database.sqliteFile);
    try {
      db.pragma('busy_timeout = 10000');
      const integrity = db.pragma('integrity_check') as { integrity_check: string }[];
      checks.push('pragma integrity_check');
      if (integrity.length !== 1 || integrity[0]!.integrity_check !== 'ok') {
        problems.push(`integrity_check: ${JSON.stringify(integrity.slice(0, 10))}`);
      }
      const fk = db.pragma('foreign_key_check') as unknown[];
      checks.push('pragma foreign_key_check');
      if (fk.length > 0) {
        problems.push(
          `foreign_key_check: ${fk.length} rows, e.g. ${JSON.stringify(fk.slice(0, 5))}`,
        );
      }
    } finally {
      db.close();
    }
    return { checks, problems, skipped };
  }
  const { schema } = database.pg!;
  await withTrialQuery(database, async (q) => {
    const amcheck = await amcheckSchema(q);
    if (amcheck.schema === undefined) {
      skipped.push(`amcheck: ${amcheck.reason}`);
    } else {
      const indexes = await q.all<{ name: string }>(
        `select c.relname as name from pg_class c
           join pg_namespace n on n.oid = c.relnamespace
           join pg_am a on a.oid = c.relam
          where n.nspname = ? and c.relkind = 'i' and a.amname = 'btree'
          order by c.relname`,
        [schema],
      );
      for (const index of indexes) {
        try {
          await q.all(`select ${amcheck.schema}.bt_index_check(?::regclass, true)`, [
            `${schema}.${index.name}`,
          ]);
        } catch (error) {
          problems.push(`bt_index_check(${index.name}): ${describeError(error)}`);
        }
      }
      checks.push(`amcheck bt_index_check(heapallindexed) on ${indexes.length} indexes`);
      const tables = await q.all<{ name: string }>(
        `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = ? and c.relkind = 'r' order by c.relname`,
        [schema],
      );
      for (const table of tables) {
        const corrupt = await q.all(
          `select * from ${amcheck.schema}.verify_heapam(?::regclass) limit 5`,
          [`${schema}.${table.name}`],
        );
        if (corrupt.length > 0) {
          problems.push(`verify_heapam(${table.name}): ${JSON.stringify(corrupt)}`);
        }
      }
      checks.push(`amcheck verify_heapam on ${tables.length} tables`);
    }
    const orphans = await q.all(
      `select 'devices→batch_rows' as fk, count(*) as n from devices d
         where not exists (select 1 from batch_rows w
                            where w.batch_id = d.batch_id and w.row_index = d.batch_row_index)
       union all
       select 'batch_results→batch_rows', count(*) from batch_results r
         where not exists (select 1 from batch_rows w
                            where w.batch_id = r.batch_id and w.row_index = r.row_index)
       union all
       select 'batch_rows→batches', count(*) from batch_rows w
         where not exists (select 1 from batches b where b.id = w.batch_id)
       union all
       select 'batch_row_hashes→batch_rows', count(*) from batch_row_hashes h
         where not exists (select 1 from batch_rows w
                            where w.batch_id = h.batch_id and w.row_index = h.row_index)`,
    );
    checks.push('foreign-key orphan scan (4 keys)');
    for (const row of orphans as { fk: string; n: unknown }[]) {
      if (num(row.n) > 0) {
        problems.push(`${row.fk}: ${num(row.n)} orphan rows`);
      }
    }
  });
  return { checks, problems, skipped };
}

/** The schema amcheck is installed in (installing it if allowed), or why it cannot be used. */
async function amcheckSchema(q: TrialQuery): Promise<{ schema?: string; reason?: string }> {
  const find = async () =>
    (
      await q.all<{ schema: string }>(
        `select n.nspname as schema from pg_extension e
           join pg_namespace n on n.oid = e.extnamespace where e.extname = 'amcheck'`,
      )
    )[0]?.schema;
  let schema = await find();
  if (schema === undefined) {
    try {
      await q.run('create extension if not exists amcheck schema public');
    } catch (error) {
      // Another run may have created it at the same moment; otherwise it is not available.
      schema = await find();
      if (schema === undefined) {
        return { reason: `not installed and cannot be created (${describeError(error)})` };
      }
    }
    schema = await find();
  }
  return schema === undefined ? { reason: 'not installed' } : { schema };
}

/** An error log line in one line: its message and, for errors, the error's type and message. */
export function summariseLogLine(line: string): string {
  try {
    const entry = JSON.parse(line) as {
      msg?: string;
      component?: string;
      err?: { type?: string; message?: string; code?: string };
    };
    const err = entry.err
      ? `: ${entry.err.type ?? 'Error'}${entry.err.code ? ` ${entry.err.code}` : ''} "${entry.err.message ?? ''}"`
      : '';
    return `${entry.component ? `${entry.component}: ` : ''}${entry.msg ?? ''}${err}`;
  } catch {
    return line.slice(0, 300);
  }
}

// ---------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A seeded PRNG (mulberry32): the same seed replays the same trial plan and kill moments. */
export function trialRandom(seed: number) {
  // Scrambled first (murmur3's finaliser): mulberry32's first draws of neighbouring seeds
  // are alike, and trials are seeded seed*1000+n.
  let a = seed >>> 0;
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
  a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
  a = (a ^ (a >>> 16)) >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** An integer in [min, max]. */
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    /** A copy of `items` in random order. */
    shuffle: <T>(items: readonly T[]): T[] => {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      }
      return copy;
    },
  };
}
export type TrialRandom = ReturnType<typeof trialRandom>;

/** A one-line description of an error (with its cause, as fetch's errors carry the reason). */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const own = error.message || error.name;
    return cause ? `${own} (${describeError(cause)})` : own;
  }
  return String(error);
}

/** Parses `--name value` / `--name=value` options into a map. */
export function trialArgs(argv: readonly string[]): Map<string, string> {
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      throw new Error(`unexpected argument "${arg}"`);
    }
    const eq = arg.indexOf('=');
    if (eq > 0) {
      options.set(arg.slice(2, eq), arg.slice(eq + 1));
    } else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) {
      options.set(arg.slice(2), argv[++i]!);
    } else {
      options.set(arg.slice(2), 'true');
    }
  }
  return options;
}

/** A whole-number option within bounds, or its default. */
export function intOption(
  options: Map<string, string>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = options.get(name);
  if (raw === undefined) {
    return fallback;
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`--${name} must be a whole number from ${min} to ${max} (not "${raw}")`);
  }
  return n;
}

/** Median and extremes of durations, for reports. */
export function spread(values: readonly number[]): { min: number; median: number; max: number } {
  if (values.length === 0) {
    return { min: 0, median: 0, max: 0 };
  }
  const sorted = [...values].sort((a, b) => a - b);
  return {
    min: sorted[0]!,
    median: sorted[Math.floor(sorted.length / 2)]!,
    max: sorted[sorted.length - 1]!,
  };
}
