/**
 * `npm run bench:api [-- --devices N] [--duration S] [--connections C] [--rounds R]
 * [--batches B] [--batch-size N] [--post-concurrency P] [--cpu-prof] [--keep]`
 *
 * The HTTP API under load on the loopback interface, SQLite (the default database):
 *
 * 1. Seeds a database with N registered devices (default 1 000 000; `api.seed.ts`, its own
 *    process) and a sample of their request bodies.
 * 2. Starts the server in its own process (`api.server.ts`, `startServer` as `serve` runs
 *    it, log level warn, rate limits raised so they run but never refuse) and drives it
 *    with autocannon from this process: two processes, one core each.
 * 3. Lookups: `GET /healthz` (the trivial route, the baseline) and first-boot lookups of
 *    registered devices (200) and of unknown hashes (404), each for S seconds, R rounds
 *    interleaved; the best round of each is reported. Latency percentiles are exact, from
 *    every response's own time (autocannon's histogram rounds to whole milliseconds).
 *    Then the framework's ceiling: the same two routes on a bare Fastify doing no work
 *    (`api.ceiling.ts`: parse the same requests, answer the same file as a constant),
 *    measured the same way, R rounds interleaved.
 * 4. Batch API: B batches of N fresh devices through the Partner Center routes (token,
 *    POST deviceBatches, poll batchJobStatus) with P requests in flight; devices registered
 *    per second of wall time from the first POST to the last batch's completion, the
 *    in-process worker doing the registration. Baseline in the same run: bench:import's
 *    floor (papaparse + a bare better-sqlite3 insert of the same rows into a table with
 *    one unique digest index), plus `registerNow` in-process (the CLI path) for context.
 * 5. With `--cpu-prof`: one more lookup run and one more batch run under the V8 profiler
 *    (not the measured ones); profiles go to .bench/profiles and the top self-time
 *    functions are printed and written to the report.
 *
 * Results go to docs/benchmarks.md, section "API".
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { buildHardwareHash } from '../src/domain/hardware-hash.js';
import { NODE_FLAGS } from '../src/main/node-flags.js';
import { writeSection } from './report.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const flag = (name: string) => args.includes(`--${name}`);
const devices = Number(option('devices') ?? 1_000_000);
const duration = Number(option('duration') ?? 10);
const connections = Number(option('connections') ?? 16);
const rounds = Number(option('rounds') ?? 2);
const sampleSize = Number(option('sample') ?? 20_000);
const unknownSize = Number(option('unknown') ?? 2_000);
const batches = Number(option('batches') ?? 50);
const batchSize = Number(option('batch-size') ?? 1000);
const postConcurrency = Number(option('post-concurrency') ?? 4);
const cpuProf = flag('cpu-prof');
const keep = flag('keep');
const RAISED_LIMIT = '100000000';

interface Seeded {
  partnerId: string;
  customerId: string;
  customerDomain: string;
  profileId: string;
  clientId: string;
  clientSecret: string;
  devices: number;
  insertMs: number;
  totalMs: number;
  dbMb: number;
  maxRssMb: number;
}

interface Mark {
  cpuMs: number;
  wallMs: number;
  elu: number;
  rssMb: number;
  maxRssMb: number;
}

interface LoadResult {
  name: string;
  rate: number;
  responses: number;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
  statuses: Record<string, number>;
  errors: number;
  serverCpu: number;
  elu: number;
  clientCpu: number;
  /** Cores used by other processes of the machine during the run. */
  otherCpu: number;
}

interface PhaseResult {
  phase: string;
  rows: number;
  ms: number;
  maxRssMb: number;
}

/** Busy and total jiffies of all CPUs (Linux), to see what else ran during a phase. */
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

/** Cores busy (whole machine) between two readings. */
function busyCores(
  before: ReturnType<typeof cpuTicks>,
  after: ReturnType<typeof cpuTicks>,
): number {
  if (!before || !after || after.total === before.total) {
    return NaN;
  }
  return ((after.busy - before.busy) / (after.total - before.total)) * os.cpus().length;
}

/**
 * Waits (up to `--quiet-wait` seconds, default 30) until the rest of the machine is quiet — other processes use less
 * than 0.15 of a core over half a second — so that a run does not share its two cores.
 */
async function quiet(maxMs = Number(option('quiet-wait') ?? 30) * 1000): Promise<number> {
  const started = Date.now();
  let busy = NaN;
  while (Date.now() - started < maxMs) {
    const before = cpuTicks();
    await new Promise((resolve) => setTimeout(resolve, 500));
    busy = busyCores(before, cpuTicks());
    if (!(busy >= 0.15)) {
      break;
    }
  }
  if (busy >= 0.15) {
    log(
      `the machine is still busy (${round(busy, 2)} cores used by other processes); measuring anyway`,
    );
  }
  return busy;
}

const log = (line: string) => console.log(`[bench:api] ${line}`);
const round = (n: number, digits = 0) => n.toFixed(digits);
const thousands = (n: number) => Math.round(n).toLocaleString('en-US');

/** The server process and its IPC requests. */
class ServerProcess {
  private readonly replies = new EventEmitter();
  readonly url: Promise<string>;

  constructor(private readonly child: ChildProcess) {
    child.on('message', (message: { type: string }) => this.replies.emit(message.type, message));
    this.url = new Promise((resolve, reject) => {
      this.replies.once('ready', (m: { url: string }) =>
        resolve(m.url.replace('localhost', '127.0.0.1')),
      );
      child.once('exit', (code) => reject(new Error(`the server exited with code ${code}`)));
    });
  }

  request<T>(message: { type: string; [key: string]: unknown }, reply = message.type): Promise<T> {
    return new Promise((resolve) => {
      this.replies.once(reply, (m: T) => resolve(m));
      this.child.send(message);
    });
  }

  mark(): Promise<Mark> {
    return this.request<Mark>({ type: 'mark' });
  }

  /** Ends the process without waiting on it (after a failure elsewhere). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
    }
  }

  async stop(): Promise<number> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    const { maxRssMb } = await this.request<{ maxRssMb: number }>({ type: 'stop' }, 'stopped');
    await exited;
    return maxRssMb;
  }
}

function startServer(dbFile: string): ServerProcess {
  return forkServer('api.server.js', {
    DATABASE_URL: `sqlite:${dbFile}`,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    PREFLIGHT_RATE_FIRST_BOOT_PER_MINUTE: RAISED_LIMIT,
    PREFLIGHT_RATE_CLIENT_PER_MINUTE: RAISED_LIMIT,
    PREFLIGHT_RATE_TOKEN_PER_MINUTE: RAISED_LIMIT,
  });
}

/** The bare-framework ceiling (`api.ceiling.ts`), answering `answer` to every lookup. */
function startCeiling(answer: string): ServerProcess {
  return forkServer('api.ceiling.js', { CEILING_ANSWER: answer });
}

function forkServer(script: string, env: Record<string, string>): ServerProcess {
  const child = fork(path.join(here, script), [], {
    env: { ...process.env, ...env },
    // With the flags Preflight itself starts with (bin/preflight.js).
    execArgv: [...NODE_FLAGS],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new ServerProcess(child);
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) {
    return NaN;
  }
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** One autocannon run; latencies taken exactly from every response. */
async function load(
  server: ServerProcess,
  name: string,
  url: string,
  request: autocannon.Request,
  seconds = duration,
  gate = true,
): Promise<LoadResult> {
  let times = new Float64Array(1 << 18);
  let count = 0;
  if (gate) {
    await quiet();
  }
  await server.mark();
  const ticks = cpuTicks();
  const clientCpu = process.cpuUsage();
  const clientWall = performance.now();
  const instance = autocannon({
    url,
    connections,
    pipelining: 1,
    duration: seconds,
    requests: [request],
  });
  (instance as unknown as EventEmitter).on(
    'response',
    (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      if (count === times.length) {
        const grown = new Float64Array(times.length * 2);
        grown.set(times);
        times = grown;
      }
      times[count++] = responseTime;
    },
  );
  const result = await instance;
  const mark = await server.mark();
  const clientUsed = process.cpuUsage(clientCpu);
  const clientShare =
    (clientUsed.user + clientUsed.system) / 1000 / (performance.now() - clientWall);
  const machine = busyCores(ticks, cpuTicks());
  const sorted = times.slice(0, count).sort();
  const statuses: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    statuses[code] = stat.count ?? 0;
  }
  const responses = Object.values(statuses).reduce((a, b) => a + b, 0);
  const elapsed = (result.finish.getTime() - result.start.getTime()) / 1000;
  return {
    name,
    rate: responses / elapsed,
    responses,
    seconds: elapsed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    statuses,
    errors: result.errors,
    serverCpu: mark.cpuMs / mark.wallMs,
    elu: mark.elu,
    clientCpu: clientShare,
    otherCpu: Math.max(0, machine - mark.cpuMs / mark.wallMs - clientShare),
  };
}

function describe(r: LoadResult): string {
  return `${r.name}: ${thousands(r.rate)}/s, p50 ${round(r.p50, 2)} ms, p99 ${round(r.p99, 2)} ms, max ${round(r.max, 1)} ms, statuses ${JSON.stringify(r.statuses)}, errors ${r.errors}, server CPU ${round(r.serverCpu * 100)} % of a core, ELU ${round(r.elu * 100)} %, load generator CPU ${round(r.clientCpu * 100)} %, other processes ${round(r.otherCpu * 100)} %`;
}

/** Rotates through pre-built bodies, one per request. */
function rotating(bodies: readonly string[]): autocannon.Request {
  let next = 0;
  return {
    method: 'POST',
    path: '/firstboot/v1/lookup',
    headers: { 'content-type': 'application/json' },
    setupRequest: (request) => {
      request.body = bodies[next]!;
      next = (next + 1) % bodies.length;
      return request;
    },
  };
}

interface FreshDevice {
  serialNumber: string;
  hardwareHash: string;
}

function freshDevices(prefix: string, count: number): FreshDevice[] {
  const list: FreshDevice[] = [];
  for (let i = 0; i < count; i++) {
    const serialNumber = `${prefix}${String(i).padStart(8, '0')}`;
    list.push({
      serialNumber,
      hardwareHash: buildHardwareHash({
        serialNumber,
        manufacturer: 'Contoso Devices',
        model: 'Laptop 9',
      }),
    });
  }
  return list;
}

function writeCsv(file: string, list: readonly FreshDevice[]): void {
  fs.writeFileSync(
    file,
    `Device Serial Number,Windows Product ID,Hardware Hash\r\n${list
      .map((d) => `${d.serialNumber},,${d.hardwareHash}\r\n`)
      .join('')}`,
  );
}

async function token(url: string, seeded: Seeded): Promise<string> {
  const response = await fetch(`${url}/${seeded.customerId}/oauth2/v2.0/token`, {
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

interface BatchStatus {
  status: string;
  startedTime?: string | null;
  completedTime?: string | null;
  devicesStatus?: { status?: string; deviceId?: string | null; errorCode?: string | null }[];
}

interface BatchRun {
  devices: number;
  registered: number;
  failed: number;
  errorCodes: Record<string, number>;
  acceptSeconds: number;
  seconds: number;
  rate: number;
  serverCpu: number;
  elu: number;
  otherCpu: number;
}

class BatchApiMissing extends Error {}

/** Submits the batches with `postConcurrency` in flight and waits for the worker to finish them. */
async function batchRun(
  server: ServerProcess,
  url: string,
  seeded: Seeded,
  list: readonly FreshDevice[],
  name: string,
): Promise<BatchRun> {
  const auth = { authorization: `Bearer ${await token(url, seeded)}` };
  const bodies: string[] = [];
  for (let b = 0; b * batchSize < list.length; b++) {
    bodies.push(
      JSON.stringify({
        batchId: `${name}-${b}`,
        devices: list.slice(b * batchSize, (b + 1) * batchSize),
      }),
    );
  }
  const locations: string[] = new Array<string>(bodies.length);
  await quiet();
  await server.mark();
  const ticks = cpuTicks();
  const clientCpu = process.cpuUsage();
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: postConcurrency }, async () => {
      while (next < bodies.length) {
        const index = next++;
        const response = await fetch(`${url}/v1/customers/${seeded.customerId}/deviceBatches`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: bodies[index],
        });
        const text = await response.text();
        if (response.status === 404 && text.includes('http.not_found')) {
          throw new BatchApiMissing('POST /v1/customers/{id}/deviceBatches is not served');
        }
        const location = response.headers.get('location');
        if (response.status !== 202 || !location) {
          throw new Error(`batch ${index} refused: ${response.status} ${text.slice(0, 500)}`);
        }
        locations[index] = location;
      }
    }),
  );
  const accepted = Date.now();
  const status = async (location: string): Promise<BatchStatus> => {
    const response = await fetch(`${url}/v1${location}`, { headers: auth });
    if (response.status !== 200) {
      throw new Error(`status ${location}: ${response.status} ${await response.text()}`);
    }
    return (await response.json()) as BatchStatus;
  };
  const done = (s: BatchStatus) => s.status === 'finished' || s.status === 'finished_with_errors';
  // The worker takes batches in submission order, one at a time: polling the last one is
  // enough to know when all are done, and keeps the polling load on the server small.
  let observed = 0;
  for (;;) {
    const last = await status(locations[locations.length - 1]!);
    if (done(last)) {
      observed = Date.now();
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const mark = await server.mark();
  const clientUsed = process.cpuUsage(clientCpu);
  const machine = busyCores(ticks, cpuTicks());
  const otherCpu = Math.max(
    0,
    machine - mark.cpuMs / mark.wallMs - (clientUsed.user + clientUsed.system) / 1000 / mark.wallMs,
  );
  let registered = 0;
  let failed = 0;
  let completed = 0;
  const errorCodes: Record<string, number> = {};
  const incomplete: string[] = [];
  for (const location of locations) {
    const s = await status(location);
    if (!done(s)) {
      incomplete.push(`${location}: ${s.status}`);
      continue;
    }
    completed = Math.max(completed, s.completedTime ? Date.parse(s.completedTime) : observed);
    for (const device of s.devicesStatus ?? []) {
      if (device.errorCode || !device.deviceId) {
        failed += 1;
        const code = device.errorCode ?? `no deviceId (${device.status})`;
        errorCodes[code] = (errorCodes[code] ?? 0) + 1;
      } else {
        registered += 1;
      }
    }
  }
  if (incomplete.length > 0) {
    throw new Error(`batches not finished when the last one was: ${incomplete.join(', ')}`);
  }
  // The server's completion time when it gives one (millisecond precision, same clock),
  // else the moment the poll saw it.
  const end =
    Number.isFinite(completed) && completed > 0 ? Math.min(completed, observed) : observed;
  const seconds = (end - started) / 1000;
  return {
    devices: list.length,
    registered,
    failed,
    errorCodes,
    acceptSeconds: (accepted - started) / 1000,
    seconds,
    rate: registered / seconds,
    serverCpu: mark.cpuMs / mark.wallMs,
    elu: mark.elu,
    otherCpu,
  };
}

function runPhase(phase: string, csv: string, target: string): PhaseResult {
  const output = execFileSync(
    process.execPath,
    [path.join(here, 'import.phase.js'), phase, csv, target],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(output.trim().split('\n').pop()!) as PhaseResult;
}

/** What the native frames of a profile are, for the report. */
const nativeFrames: Record<string, string> = {
  all: 'better-sqlite3 `Statement#all`: SQLite executing a read',
  run: 'better-sqlite3 `Statement#run`: SQLite executing a write',
  Statement:
    "better-sqlite3 statement constructor: SQLite compiling SQL, which Kysely's SQLite driver does for every query",
  writev:
    'the socket write system call sending a response; with shared cores it also collects the time the server is descheduled when it wakes the load generator',
  '(garbage collector)': 'V8',
  '(program)': 'V8 and native code outside JavaScript',
};

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** The functions with the most self time in a `.cpuprofile`, idle time left out. */
function topSelfTime(file: string, top = 5): { name: string; ms: number; share: number }[] {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      return;
    }
    const where = url
      ? ` ${url
          .replace(/^file:\/\//, '')
          .replace(`${repoRoot}/`, '')
          .replace(/^.*node_modules\//, '')}:${lineNumber + 1}`
      : '';
    const key = `${functionName || '(anonymous)'}${where}`;
    const us = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0;
    self.set(key, (self.get(key) ?? 0) + us);
    total += us;
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ name, ms: us / 1000, share: us / total }));
}

async function profiled<T>(
  server: ServerProcess,
  file: string,
  work: () => Promise<T>,
): Promise<{ result: T; top: ReturnType<typeof topSelfTime> }> {
  await server.request({ type: 'profile-start' });
  const result = await work();
  await server.request({ type: 'profile-stop', file });
  return { result, top: topSelfTime(file) };
}

async function main(): Promise<void> {
  const runStarted = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-api-bench-'));
  const dbFile = path.join(dir, 'preflight.sqlite');
  const sampleFile = path.join(dir, 'sample.json');
  const profileDir = path.join(repoRoot, '.bench', 'profiles');
  let server: ServerProcess | undefined;
  try {
    log(`seeding ${devices} devices into ${dbFile}`);
    const seeded = JSON.parse(
      execFileSync(
        process.execPath,
        [
          path.join(here, 'api.seed.js'),
          dbFile,
          String(devices),
          sampleFile,
          String(sampleSize),
          String(unknownSize),
        ],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      )
        .trim()
        .split('\n')
        .pop()!,
    ) as Seeded;
    log(
      `seeded ${seeded.devices} devices in ${round(seeded.totalMs / 1000, 1)} s (inserts ${round(seeded.insertMs / 1000, 1)} s, ${thousands((seeded.devices / seeded.insertMs) * 1000)}/s), database ${round(seeded.dbMb)} MB`,
    );
    const sample = JSON.parse(fs.readFileSync(sampleFile, 'utf8')) as {
      registered: string[];
      unknown: string[];
    };

    const batchDevices = batches * batchSize;
    const built = performance.now();
    const measured = freshDevices('BA', batchDevices);
    const profiledDevices = cpuProf ? freshDevices('BP', batchDevices) : [];
    const csv = path.join(dir, 'batch.csv');
    writeCsv(csv, measured);
    log(
      `built ${batchDevices * (cpuProf ? 2 : 1)} fresh hashes for the batch API in ${round((performance.now() - built) / 1000, 1)} s`,
    );

    server = startServer(dbFile);
    const url = await server.url;
    const startup = await server.mark();
    log(`server listening at ${url} (RSS ${round(startup.rssMb)} MB)`);

    // Correctness before speed: a registered device gets its file, an unknown one a 404.
    const check = await fetch(`${url}/firstboot/v1/lookup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: sample.registered[0],
    });
    const answer = await check.text();
    const file = JSON.parse(answer) as {
      ZtdCorrelationId?: string;
      CloudAssignedTenantDomain?: string;
    };
    if (
      check.status !== 200 ||
      file.ZtdCorrelationId !== seeded.profileId ||
      file.CloudAssignedTenantDomain !== seeded.customerDomain
    ) {
      throw new Error(
        `a registered device did not get its profile: ${check.status} ${JSON.stringify(file)}`,
      );
    }
    const miss = await fetch(`${url}/firstboot/v1/lookup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: sample.unknown[0],
    });
    await miss.arrayBuffer();
    if (miss.status !== 404) {
      throw new Error(`an unknown device got ${miss.status}, not 404`);
    }

    const trivial: autocannon.Request = { method: 'GET', path: '/healthz' };
    log('warming up');
    await load(server, 'warm-up healthz', url, trivial, 3, false);
    await load(server, 'warm-up lookup', url, rotating(sample.registered), 3, false);

    const runs: Record<'trivial' | 'lookup' | 'unknown', LoadResult[]> = {
      trivial: [],
      lookup: [],
      unknown: [],
    };
    for (let r = 0; r < rounds; r++) {
      for (const [key, name, request] of [
        ['trivial', 'GET /healthz', trivial],
        ['lookup', 'POST /firstboot/v1/lookup (registered, 200)', rotating(sample.registered)],
        ['unknown', 'POST /firstboot/v1/lookup (unknown hash, 404)', rotating(sample.unknown)],
      ] as const) {
        const result = await load(server, name, url, request);
        log(`round ${r + 1}: ${describe(result)}`);
        runs[key].push(result);
      }
    }
    const best = (list: LoadResult[]) => list.reduce((a, b) => (b.rate > a.rate ? b : a));
    const trivialBest = best(runs.trivial);
    const lookupBest = best(runs.lookup);
    const unknownBest = best(runs.unknown);
    const afterLookups = await server.mark();

    // The same two routes on a bare Fastify that does no work (api.ceiling.ts), measured the
    // same way while Preflight's server idles: what the framework and the request allow.
    const ceilingServer = startCeiling(answer);
    const ceiling: Record<'trivial' | 'lookup', LoadResult[]> = { trivial: [], lookup: [] };
    try {
      const ceilingUrl = await ceilingServer.url;
      await load(ceilingServer, 'warm-up ceiling healthz', ceilingUrl, trivial, 3, false);
      await load(
        ceilingServer,
        'warm-up ceiling lookup',
        ceilingUrl,
        rotating(sample.registered),
        3,
        false,
      );
      for (let r = 0; r < rounds; r++) {
        for (const [key, name, request] of [
          ['trivial', 'bare Fastify: GET /healthz', trivial],
          [
            'lookup',
            'bare Fastify: POST /firstboot/v1/lookup answering a constant file',
            rotating(sample.registered),
          ],
        ] as const) {
          const result = await load(ceilingServer, name, ceilingUrl, request);
          log(`ceiling round ${r + 1}: ${describe(result)}`);
          ceiling[key].push(result);
        }
      }
    } catch (error) {
      ceilingServer.kill();
      throw error;
    }
    await ceilingServer.stop();
    const ceilingTrivial = best(ceiling.trivial);
    const ceilingLookup = best(ceiling.lookup);
    const ceilingRatio = ceilingLookup.rate / ceilingTrivial.rate;
    /** Server CPU per request, in µs. */
    const cost = (r: LoadResult) => (r.serverCpu / r.rate) * 1e6;
    const ceilingCostRatio = cost(ceilingTrivial) / cost(ceilingLookup);

    let lookupProfile: ReturnType<typeof topSelfTime> | undefined;
    if (cpuProf) {
      fs.mkdirSync(profileDir, { recursive: true });
      const { top } = await profiled(server, path.join(profileDir, 'api-lookup.cpuprofile'), () =>
        load(server!, 'profiled lookup', url, rotating(sample.registered)),
      );
      lookupProfile = top;
      log(
        `lookup profile, top self time: ${top.map((t) => `${t.name} ${round(t.share * 100, 1)} %`).join('; ')}`,
      );
    }

    let batch: BatchRun | undefined;
    let batchMissing: string | undefined;
    let batchProfile: ReturnType<typeof topSelfTime> | undefined;
    try {
      batch = await batchRun(server, url, seeded, measured, 'bench');
      log(
        `batch API: ${batch.registered} of ${batch.devices} registered (${JSON.stringify(batch.errorCodes)}) in ${round(batch.seconds, 2)} s (all accepted after ${round(batch.acceptSeconds, 2)} s): ${thousands(batch.rate)} devices/s, server CPU ${round(batch.serverCpu * 100)} %`,
      );
      if (cpuProf) {
        const { result, top } = await profiled(
          server,
          path.join(profileDir, 'api-batch.cpuprofile'),
          () => batchRun(server!, url, seeded, profiledDevices, 'profiled'),
        );
        batchProfile = top;
        log(`profiled batch run: ${thousands(result.rate)} devices/s under the profiler`);
        log(
          `batch profile, top self time: ${top.map((t) => `${t.name} ${round(t.share * 100, 1)} %`).join('; ')}`,
        );
      }
    } catch (error) {
      if (!(error instanceof BatchApiMissing)) {
        throw error;
      }
      batchMissing = error.message;
      log(`batch API skipped: ${batchMissing}`);
    }

    const serverPeakRss = await server.stop();
    server = undefined;
    log(
      `server peak RSS ${round(serverPeakRss)} MB (after the lookups ${round(afterLookups.maxRssMb)} MB)`,
    );

    const floor = runPhase('floor-sqlite', csv, path.join(dir, 'floor.sqlite'));
    const engine = runPhase('import-sqlite', csv, path.join(dir, 'engine.sqlite'));
    const rate = (p: PhaseResult) => (p.rows / p.ms) * 1000;
    log(`floor ${thousands(rate(floor))}/s, registerNow ${thousands(rate(engine))}/s`);

    const ratio = lookupBest.rate / trivialBest.rate;
    const cpu = os.cpus();
    const lines = [
      `Command: \`npm run bench:api${args.length ? ` -- ${args.join(' ')}` : ''}\` · SQLite · ${seeded.devices.toLocaleString('en-US')} registered devices (database ${round(seeded.dbMb)} MB) · autocannon, loopback, ${connections} connections, no pipelining · best of ${rounds} rounds of ${duration} s per route · Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? '?'} · ${new Date().toISOString().slice(0, 10)}`,
      '',
      '### First-boot lookups',
      '',
      '| route | requests/s | p50 (ms) | p99 (ms) | responses | server CPU (% of a core) | requests per server CPU-second | other processes (% of a core) |',
      '| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
      ...[trivialBest, lookupBest, unknownBest].map(
        (r) =>
          `| ${r.name} | ${thousands(r.rate)} | ${round(r.p50, 2)} | ${round(r.p99, 2)} | ${Object.entries(
            r.statuses,
          )
            .map(([code, n]) => `${n.toLocaleString('en-US')} × ${code}`)
            .join(
              ', ',
            )}${r.errors ? `, ${r.errors} errors` : ''} | ${round(r.serverCpu * 100)} | ${thousands(r.rate / r.serverCpu)} | ${round(r.otherCpu * 100)} |`,
      ),
      '',
      `Ratio lookups (registered) / trivial route: **${round(ratio, 2)}** · server peak RSS **${round(serverPeakRss)} MB** over the whole run (${round(afterLookups.maxRssMb)} MB after the lookups).`,
      '',
      `Server CPU per request: ${[trivialBest, lookupBest, unknownBest].map((r) => `${r.name} ${round((r.serverCpu / r.rate) * 1e6)} µs`).join(' · ')}; the server's event loop was busy ${[trivialBest, lookupBest, unknownBest].map((r) => `${round(r.elu * 100)} %`).join(' / ')} of each run${[trivialBest, lookupBest, unknownBest].every((r) => r.elu >= 0.85) ? ", so every route ran the server's core to saturation and the rates are what one core gives at this cost per request (less when other processes took part of the core)" : ''}.`,
      '',
      `The server runs in its own process (\`startServer\`, as \`preflight serve\`; log level warn), autocannon in another: one core each. Lookups rotate through ${sample.registered.length.toLocaleString('en-US')} registered devices picked at random among the ${seeded.devices.toLocaleString('en-US')} (shuffled), or ${sample.unknown.length.toLocaleString('en-US')} valid but unregistered hashes; each request body is \`{"hardwareHash": …}\` with a 4000-character hash, and every response is checked by status (the 200 file's profile id and domain are checked once before the load). Rate limiting is on, with the three limits (\`PREFLIGHT_RATE_FIRST_BOOT_PER_MINUTE\`, \`PREFLIGHT_RATE_CLIENT_PER_MINUTE\`, \`PREFLIGHT_RATE_TOKEN_PER_MINUTE\`) raised to ${Number(RAISED_LIMIT).toLocaleString('en-US')} a minute so that it runs on every request but never refuses. Latency is each response's time as autocannon measures it (from writing the request to the end of the response), percentiles computed exactly; the load is closed-loop (${connections} connections each waiting for its answer), so at saturation mean latency ≈ connections ÷ rate. Server CPU is the server process's own CPU time over the run; "other processes" is what the rest of the machine used meanwhile (each run first waits up to ${Number(option('quiet-wait') ?? 30)} s for the machine to be quiet), so a run that shared its cores can be told apart; requests per server CPU-second is the cost figure that contention changes least.`,
      '',
      `Seeding (not measured as a goal): the organisations, users, relationship and API client are made through the services; the ${seeded.devices.toLocaleString('en-US')} devices are inserted with SQL directly (${round(seeded.insertMs / 1000, 1)} s), bypassing the registration engine, which would take about a minute and a half for a million devices and is what bench:import measures. Each device gets what the engine stores — its batch (1000 rows each) and batch row, the customer's built-in profile with status \`assignedInSync\` — but not the hash text or per-row results, which no lookup reads. The sampled devices have real structured hashes keyed as registration keys them; the others a unique SHA-256 digest of their serial (same key shape, same index).`,
      '',
      "### The framework's ceiling",
      '',
      '| route (bare Fastify, no work) | requests/s | p50 (ms) | p99 (ms) | responses | server CPU (% of a core) | server CPU per request (µs) | load generator CPU (% of a core) |',
      '| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
      ...[ceilingTrivial, ceilingLookup].map(
        (r) =>
          `| ${r.name.replace('bare Fastify: ', '')} | ${thousands(r.rate)} | ${round(r.p50, 2)} | ${round(r.p99, 2)} | ${Object.entries(
            r.statuses,
          )
            .map(([code, n]) => `${n.toLocaleString('en-US')} × ${code}`)
            .join(
              ', ',
            )}${r.errors ? `, ${r.errors} errors` : ''} | ${round(r.serverCpu * 100)} | ${round((r.serverCpu / r.rate) * 1e6)} | ${round(r.clientCpu * 100)} |`,
      ),
      '',
      `Ratio of the no-work lookup to its own trivial route: **${round(ceilingRatio, 2)}** by rate, ${round(ceilingCostRatio, 2)} by server CPU per request (the rate a saturated server would give; when the load generator is near a full core, as here, it caps the rate before the server does). The same Fastify version as Preflight, in its own process, measured the same way in the same run (\`bench/api.ceiling.ts\`): its lookup route receives the same requests — \`{"hardwareHash": …}\`, 4000 characters, parsed by Fastify's JSON parser — and answers the ${answer.length}-byte file Preflight's server answered, already serialised; it decodes no hash, reads no database, runs no rate limit or access check. Every first-boot route must at least receive the hash and send the file, so these are the most a lookup can reach on this machine with this framework and this load generator.`,
      '',
      `Preflight's lookup costs ${round(cost(lookupBest))} µs of server CPU; of that, the framework's share is the ceiling's ${round(cost(ceilingLookup))} µs and Preflight's own work (rate limit, access check, decoding and verifying the hash, the database read, building the answer) the other ${round(cost(lookupBest) - cost(ceilingLookup))} µs. For 60 % of Preflight's trivial route (${round(cost(trivialBest))} µs) a lookup may cost ${round(cost(trivialBest) / 0.6)} µs in all, and for 15 000/s on one core ${round(1e6 / 15_000)} µs: ${round(cost(trivialBest) / 0.6 - cost(ceilingLookup))} µs and ${round(1e6 / 15_000 - cost(ceilingLookup))} µs left for that work.`,
      '',
      'PostgreSQL is not measured by this benchmark (SQLite only; no `--pg` option yet).',
      '',
      '### Batch API (Partner Center)',
      '',
    ];
    if (batch) {
      lines.push(
        '| phase | devices | seconds | devices/s | ratio to floor |',
        '| --- | ---: | ---: | ---: | ---: |',
        `| floor: papaparse + bare better-sqlite3 insert, one unique digest index (bench:import's floor), empty table | ${floor.rows} | ${round(floor.ms / 1000, 2)} | ${thousands(rate(floor))} | 1.00 |`,
        `| \`registerNow\` in-process (the CLI path), fresh database | ${engine.rows} | ${round(engine.ms / 1000, 2)} | ${thousands(rate(engine))} | ${round(rate(engine) / rate(floor), 2)} |`,
        `| batch API: ${batches} × ${batchSize} devices over HTTP, ${postConcurrency} POSTs in flight, in-process worker, database of ${seeded.devices.toLocaleString('en-US')} devices | ${batch.registered} | ${round(batch.seconds, 2)} | ${thousands(batch.rate)} | ${round(batch.rate / rate(floor), 2)} |`,
        '',
        `Batch API: token (\`POST /{customer}/oauth2/v2.0/token\`), then \`POST /v1/customers/{id}/deviceBatches\` (\`{batchId, devices: [{serialNumber, hardwareHash}]}\`, fresh valid hashes) → 202 + Location, then \`GET /v1/customers/{id}/batchJobStatus/{trackingId}\` until finished. Devices/s = devices whose \`devicesStatus\` has no errorCode (${batch.registered} of ${batch.devices}${batch.failed ? `; failed: ${JSON.stringify(batch.errorCodes)}` : ''}) / wall time from the first POST to the last batch's \`completedTime\`. All ${batches} batches were accepted after ${round(batch.acceptSeconds, 2)} s; the server used ${round(batch.serverCpu * 100)} % of a core over the phase (other processes ${round(batch.otherCpu * 100)} %). The floor and \`registerNow\` run in their own processes on the same rows after the server has stopped.`,
      );
    } else {
      lines.push(
        `Not measured: ${batchMissing}. Floor for the same ${floor.rows} rows: ${thousands(rate(floor))} devices/s; \`registerNow\` in-process: ${thousands(rate(engine))} devices/s.`,
      );
    }
    const goal = (ok: boolean) => (ok ? 'met' : '**missed**');
    lines.push(
      '',
      `Goals (issue): ≥ 15 000 lookups/s — measured ${thousands(lookupBest.rate)}, ${goal(lookupBest.rate >= 15_000)}; p99 < 5 ms — measured ${round(lookupBest.p99, 2)} ms, ${goal(lookupBest.p99 < 5)}; ≥ 60 % of the trivial route's rate — measured ${round(ratio * 100)} %, ${goal(ratio >= 0.6)} (a route doing no work reaches ${round(ceilingRatio * 100)} % on this machine, and ${thousands(ceilingLookup.rate)}/s); ≥ 20 000 devices/s through the batch API — ${batch ? `measured ${thousands(batch.rate)}, ${goal(batch.rate >= 20_000)}` : 'not measured'}.`,
    );
    if (lookupProfile || batchProfile) {
      lines.push('', '### Where the time goes (`--cpu-prof`)', '');
      for (const [what, top] of [
        ['Lookups (registered)', lookupProfile],
        ['Batch API', batchProfile],
      ] as const) {
        if (top) {
          lines.push(
            `${what}, top self time in the server (a separate profiled run): ${top.map((t) => `\`${t.name}\`${nativeFrames[t.name] ? ` (${nativeFrames[t.name]})` : ''} ${round(t.share * 100, 1)} %`).join(' · ')}.`,
            '',
          );
        }
      }
    }
    const body = lines.join('\n');
    const written = writeSection(repoRoot, 'API', body);
    console.log(body);
    log(`written to ${written} after ${round((performance.now() - runStarted) / 1000)} s`);
  } finally {
    server?.kill();
    if (keep) {
      log(`kept ${dir}`);
    } else {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

await main();
