/**
 * The crash trial (issue 8, trial 1): `preflight serve` is killed with SIGKILL at random
 * moments while partners submit large batches through the API, restarted, and left to
 * recover; then the invariants are checked on the database directly.
 *
 * One trial, on a database of its own:
 *
 * 1. two partners (each consented by its own customer) are seeded and a server started;
 * 2. `batches` batches of about `devices` devices each (from half to one and a half times
 *    as many, so a batch is one to several chunks of 2000) are sent at once, staggered by
 *    up to 300 ms, each with its own MS-RequestId. The batches overlap on purpose: a batch
 *    shares 20 % of `devices` with a batch for the other customer (one side gets 808),
 *    5 % with another batch for the same customer (806), and repeats 2 % of its own rows
 *    (duplicate in the request);
 * 3. the server gets SIGKILL: in half of the trials at a moment uniform over the time an
 *    undisturbed run of the same shape takes (measured first: the calibration), in the
 *    other half 0–100 ms after the database first shows a batch `processing`. Up to
 *    `maxKills` times per trial: later kills strike at a random moment during recovery;
 * 4. after each kill the state is recorded (which batches were not yet stored, receiving,
 *    queued, processing, ended), the server restarted, and every submission that got no
 *    202 is resent with its MS-RequestId, as a client retries: a batch the crash committed
 *    but never acknowledged must come back with the same tracking id, never as a second
 *    batch; a request that died while its rows were arriving left a `receiving` batch whose
 *    lease (2 minutes) is aged while the server is down, so the retry under the same id
 *    must be accepted — a 409 for it is a violation;
 * 5. a killed worker's lease (30 s, not configurable) holds its batch: every
 *    `waitEvery`-th kill that finds a batch being processed waits it out for real; the
 *    others age the lease while the server is down — the state those seconds would bring
 *    — so that the run fits in minutes;
 * 6. once every acknowledged batch has ended (read through the API: one final outcome per
 *    device, in order), the server stops and `checkStoreInvariants` and `checkIntegrity`
 *    run on the database; every device sent must be registered exactly once, and the
 *    servers must have logged no error.
 * @module
 */
import { randomUUID } from 'node:crypto';
import {
  checkIntegrity,
  checkStoreInvariants,
  createTrialDatabase,
  describeError,
  isFinalWireStatus,
  seedTrialParties,
  sleep,
  spread,
  startTrialServer,
  summariseLogLine,
  trialDevice,
  trialRandom,
  TrialPartnerApi,
  withTrialQuery,
  type Backend,
  type TrialDatabase,
  type TrialDevice,
  type TrialRandom,
  type TrialServer,
  type TrialViolation,
} from './kit.js';

/** How a crash run is shaped. */
export interface CrashOptions {
  readonly backend: Backend;
  /** Trials with kills (the calibration run comes on top). */
  readonly trials: number;
  /** Batches sent at once per trial. */
  readonly batches: number;
  /** Devices per batch on average (each batch 0.5–1.5 times as many, at most 10 000). */
  readonly devices: number;
  /** Each trial kills the server 1 to `maxKills` times. */
  readonly maxKills: number;
  /** Every n-th kill that finds a batch being processed waits its lease out (0: never). */
  readonly waitEvery: number;
  readonly seed: number;
  /** Run only this trial number (replaying a failure); the calibration still runs. */
  readonly only?: number;
  /** Undisturbed runs that bound the kill moments (default 2). */
  readonly calibrationRuns?: number;
  /** Keep the database of a trial that broke an invariant, and say where it is. */
  readonly keepOnViolation?: boolean;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

/** What one trial saw. */
export interface CrashTrialRecord {
  readonly trial: number;
  readonly seed: number;
  readonly kills: CrashKillRecord[];
  readonly leaseWaited: boolean;
  readonly submissions: number;
  readonly acknowledgedBeforeFirstKill: number;
  readonly retries: RetryFigures;
  readonly rows: number;
  /** From the last restart until every acknowledged batch had ended. */
  readonly recoveryMs: number;
  /** Where the trial's time went: seeding and first start, sending to recovered, checks. */
  readonly phaseMs?: { setup: number; run: number; check: number };
  readonly outcomes: Record<string, number>;
  readonly maxAttempts: number;
  readonly workerErrors: number;
  readonly violations: TrialViolation[];
  readonly keptAt?: string;
}

/** The moment of one kill, and what the database held right after it. */
export interface CrashKillRecord {
  /** `timed`: a random moment; `processing`: once a batch was being processed. */
  readonly aim: 'timed' | 'processing';
  /** Milliseconds after the trial's first submission (or after the restart, for later kills). */
  readonly atMs: number;
  readonly batches: {
    /** Submissions with no batch in the database yet (being sent or parsed). */
    notStored: number;
    receiving: number;
    queued: number;
    processing: number;
    ended: number;
  };
  /** Rows with a result / rows stored, over the trial's batches, at the kill. */
  readonly rowsDone: number;
  readonly rowsStored: number;
  /** Batches `processing` with some but not all of their rows done: resumed mid-batch. */
  readonly partlyDone: number;
  /** Submissions the client had a 202 for when the process died. */
  readonly acknowledged: number;
}

/** What the client's retries of unacknowledged submissions got. */
export interface RetryFigures {
  /** Resent under the same MS-RequestId. */
  sent: number;
  /** …answered with the batch the crash had committed but not acknowledged. */
  sameBatch: number;
  /** …answered with a new batch (nothing had been committed). */
  newBatch: number;
  /** …of which replaced the `receiving` batch the crash had left under that id. */
  replacedReceiving: number;
  /** …refused 409 although that leftover's lease had run out (a violation), resent under a new id. */
  refusedReceiving: number;
}

function noRetries(): RetryFigures {
  return { sent: 0, sameBatch: 0, newBatch: 0, replacedReceiving: 0, refusedReceiving: 0 };
}

/** The figures of a run on one backend. */
export interface CrashReport {
  readonly backend: Backend;
  readonly options: Omit<CrashOptions, 'log'>;
  readonly calibrationMs: number;
  readonly trials: CrashTrialRecord[];
  readonly durationMs: number;
  readonly summary: CrashSummary;
}

export interface CrashSummary {
  readonly trials: number;
  readonly kills: number;
  /** Kills that found at least one of the trial's batches in each state (a kill counts in several). */
  readonly killsWhile: {
    notStored: number;
    receiving: number;
    queued: number;
    processing: number;
    /** Every batch had ended: the kill struck an idle server. */
    allEnded: number;
    /** …a batch being processed with some of its chunks committed (resumed mid-batch). */
    partlyDone: number;
  };
  readonly leaseWaitedTrials: number;
  /** Kills aimed at a batch being processed (the others at a random moment). */
  readonly aimedAtProcessing: number;
  readonly submissions: number;
  readonly rows: number;
  readonly retries: RetryFigures;
  readonly outcomes: Record<string, number>;
  readonly maxAttempts: number;
  readonly workerErrors: number;
  readonly recoveryMs: { min: number; median: number; max: number };
  readonly violations: (TrialViolation & { trial: number })[];
}

/** One submission of a trial's plan. */
interface Submission {
  readonly index: number;
  readonly party: number;
  readonly name: string;
  readonly devices: TrialDevice[];
  requestId: string;
  location?: string;
  trackingId?: string;
  /** The kill count when it was acknowledged (0: before the first kill). */
  ackedAfterKills?: number;
}

/** When, undisturbed, the first batch is acknowledged and the last has ended. */
interface Calibration {
  readonly firstAckMs: number;
  readonly endMs: number;
}

/** Trials run on fresh databases, so they share devices: built once (~0.1 ms each). */
const deviceCache = new Map<string, TrialDevice[]>();
function cachedDevice(prefix: string, n: number): TrialDevice {
  let list = deviceCache.get(prefix);
  if (!list) {
    list = [];
    deviceCache.set(prefix, list);
  }
  while (list.length <= n) {
    list.push(trialDevice(prefix, list.length));
  }
  return list[n]!;
}

/** The plan of one trial: which devices each batch carries, overlaps included. */
function planTrial(
  random: TrialRandom,
  prefix: string,
  batches: number,
  devices: number,
): Omit<Submission, 'requestId'>[] {
  let next = 0;
  const fresh = (n: number) => Array.from({ length: n }, () => cachedDevice(prefix, next++));
  // Sizes vary from half to one and a half times `devices`: one to several chunks of 2000.
  const sizes = Array.from({ length: batches }, () =>
    Math.min(10_000, Math.max(10, Math.round(devices * (0.5 + random.next())))),
  );
  const contested = Math.floor(devices * 0.2);
  const sameCustomer = Math.floor(devices * 0.05);
  const repeats = Math.floor(devices * 0.02);
  // Shared lists: batch k and k^1 (other customer), batch k and k+2 (same customer).
  const twinLists = new Map<number, TrialDevice[]>();
  const siblingLists = new Map<number, TrialDevice[]>();
  const plan: Omit<Submission, 'requestId'>[] = [];
  for (let k = 0; k < batches; k++) {
    const twin = k ^ 1;
    const own: TrialDevice[] = [];
    if (twin < batches) {
      const key = Math.min(k, twin);
      if (!twinLists.has(key)) {
        twinLists.set(key, fresh(contested));
      }
      own.push(...twinLists.get(key)!);
    }
    // Same-customer pairs (0,2), (1,3), (4,6), (5,7), …
    const sibling = Math.floor(k / 2) % 2 === 0 ? k + 2 : k - 2;
    if (sibling >= 0 && sibling < batches) {
      const key = Math.min(k, sibling);
      if (!siblingLists.has(key)) {
        siblingLists.set(key, fresh(sameCustomer));
      }
      own.push(...siblingLists.get(key)!);
    }
    own.push(...fresh(sizes[k]! - own.length - repeats));
    for (let r = 0; r < repeats; r++) {
      own.push(own[random.int(0, own.length - 1)]!);
    }
    plan.push({
      index: k,
      party: k % 2,
      name: `crash-b${k}`,
      devices: random.shuffle(own),
    });
  }
  return plan;
}

/** The batches of the given request ids, as the database holds them now. */
async function batchStates(database: TrialDatabase, requestIds: readonly string[]) {
  return withTrialQuery(database, async (q) => {
    const rows: {
      client_batch_id: string;
      id: string;
      status: string;
      stored: unknown;
      done: unknown;
    }[] = [];
    for (const requestId of requestIds) {
      rows.push(
        ...(await q.all<(typeof rows)[number]>(
          `select b.client_batch_id, b.id, b.status,
                  (select count(*) from batch_rows w where w.batch_id = b.id) as stored,
                  (select count(*) from batch_results r where r.batch_id = b.id) as done
             from batches b where b.client_batch_id = ?`,
          [`pc:${requestId}`],
        )),
      );
    }
    return rows;
  });
}

/** Polls until one of the batches is `processing`; false when none was within `timeoutMs`. */
async function untilProcessing(
  database: TrialDatabase,
  requestIds: readonly string[],
  timeoutMs: number,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  const ids = requestIds.map((id) => `pc:${id}`);
  return withTrialQuery(database, async (q) => {
    while (performance.now() < deadline) {
      const [row] = await q.all<{ n: unknown }>(
        `select count(*) as n from batches
          where status = 'processing' and client_batch_id in (${ids.map(() => '?').join(', ')})`,
        ids,
      );
      if (Number(row?.n) > 0) {
        return true;
      }
      await sleep(5);
    }
    return false;
  });
}

/**
 * Ages the leases of batches in `status` to now: the state their lease time (30 s for a
 * worker's claim, 2 minutes for a submitter's) would bring by itself.
 */
async function expireLeases(
  database: TrialDatabase,
  status: 'processing' | 'receiving',
): Promise<number> {
  return withTrialQuery(database, (q) =>
    q.run(`update batches set lease_expires_at = ? where status = ?`, [
      new Date(Date.now() - 1000).toISOString(),
      status,
    ]),
  );
}

/** Seeds a database and starts its first server: two partners, each with its customer. */
async function freshWorld(backend: Backend, label: string) {
  const database = await createTrialDatabase(backend, label);
  try {
    const parties = await seedTrialParties(database, [
      { partner: 'Fabrikam Crash', customer: 'Contoso Crash' },
      { partner: 'Northwind Crash', customer: 'Tailspin Crash' },
    ]);
    return { database, parties };
  } catch (error) {
    await database.dispose();
    throw error;
  }
}

/**
 * The calibration run: the same shape of plan, undisturbed; when the first batch is
 * acknowledged and when the last one has ended, after the first submission leaves.
 */
async function calibrate(options: CrashOptions): Promise<{ firstAckMs: number; endMs: number }> {
  const { database, parties } = await freshWorld(options.backend, 'cal');
  let server: TrialServer | undefined;
  try {
    server = await startTrialServer(database);
    const apis = parties.map((p) => new TrialPartnerApi(server!.url, p));
    await Promise.all(apis.map((api) => api.accessToken()));
    const random = trialRandom(options.seed);
    const plan = planTrial(random, 'CAL', options.batches, options.devices);
    const started = performance.now();
    // The same schedule as a trial's: staggered by up to 300 ms.
    let firstAckMs = Infinity;
    const results = await Promise.all(
      plan.map(async (s) => {
        await sleep(random.int(0, 300));
        const result = await apis[s.party]!.submit(s.name, s.devices, randomUUID());
        firstAckMs = Math.min(firstAckMs, performance.now() - started);
        return result;
      }),
    );
    for (const [i, result] of results.entries()) {
      if (result.kind !== 'accepted') {
        throw new Error(`calibration batch ${i} was not accepted: ${JSON.stringify(result)}`);
      }
      await apis[plan[i]!.party]!.waitFinished(result.location, 600_000, 100);
    }
    return { firstAckMs: Math.round(firstAckMs), endMs: Math.round(performance.now() - started) };
  } finally {
    await server?.stop();
    await database.dispose();
  }
}

/** Runs the crash trials on one backend and returns their figures. */
export async function runCrashTrials(options: CrashOptions): Promise<CrashReport> {
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  // Undisturbed runs; the slowest, with a fifth more, bounds the kill moments.
  const undisturbed: { firstAckMs: number; endMs: number }[] = [];
  for (let run = 0; run < (options.calibrationRuns ?? 2); run++) {
    undisturbed.push(await calibrate(options));
  }
  const calibration: Calibration = {
    endMs: Math.round(Math.max(...undisturbed.map((u) => u.endMs)) * 1.2),
    firstAckMs: Math.min(...undisturbed.map((u) => u.firstAckMs)),
  };
  log(
    `[${options.backend}] calibration: ${options.batches} batches of ~${options.devices} devices: first 202 after ${undisturbed.map((u) => u.firstAckMs).join('/')} ms, all ended after ${undisturbed.map((u) => u.endMs).join('/')} ms, undisturbed; timed kills land in [0, ${calibration.endMs}] ms`,
  );
  // Every `waitEvery`-th kill that finds a batch being processed waits its lease out.
  let processingKills = 0;
  const waitForReal = () => options.waitEvery > 0 && ++processingKills % options.waitEvery === 0;
  const records: CrashTrialRecord[] = [];
  const first = options.only ?? 1;
  const last = options.only ?? options.trials;
  for (let trial = first; trial <= last; trial++) {
    const record = await runOneTrial(options, trial, calibration, waitForReal);
    records.push(record);
    const kills = record.kills
      .map(
        (k) =>
          `${k.aim === 'processing' ? 'aimed ' : ''}${k.atMs}ms[n${k.batches.notStored} r${k.batches.receiving} q${k.batches.queued} p${k.batches.processing} e${k.batches.ended} ${k.rowsDone}/${k.rowsStored}]`,
      )
      .join(' ');
    log(
      `[${options.backend}] trial ${trial}/${last}: kills ${kills}${record.leaseWaited ? ' (lease waited)' : ''}; retries ${record.retries.sent} (same ${record.retries.sameBatch}, new ${record.retries.newBatch} of which ${record.retries.replacedReceiving} replaced a receiving leftover, 409 ${record.retries.refusedReceiving}); recovered in ${record.recoveryMs} ms; ${record.violations.length === 0 ? 'all invariants held' : `VIOLATIONS: ${record.violations.map((v) => `${v.invariant}: ${v.detail}`).join(' | ')}`}`,
    );
  }
  return {
    backend: options.backend,
    options: { ...options, log: undefined } as Omit<CrashOptions, 'log'>,
    calibrationMs: calibration.endMs,
    trials: records,
    durationMs: Math.round(performance.now() - started),
    summary: summarise(records),
  };
}

async function runOneTrial(
  options: CrashOptions,
  trial: number,
  calibration: Calibration,
  waitForReal: () => boolean,
): Promise<CrashTrialRecord> {
  const seed = options.seed * 1000 + trial;
  const random = trialRandom(seed);
  const violations: TrialViolation[] = [];
  const kills: CrashKillRecord[] = [];
  const retries = noRetries();
  let leaseWaited = false;
  const killCount = random.int(1, options.maxKills);
  const trialStarted = performance.now();
  const { database, parties } = await freshWorld(options.backend, `t${trial}`);
  const plan: Submission[] = planTrial(random, 'CR', options.batches, options.devices).map((s) => ({
    ...s,
    requestId: randomUUID(),
  }));
  let server: TrialServer | undefined;
  let workerErrors = 0;
  let recoveryMs = 0;
  let keptAt: string | undefined;
  const serverErrors: string[] = [];
  const retire = async (victim: TrialServer, how: 'kill' | 'stop') => {
    await (how === 'kill' ? victim.kill() : victim.stop());
    const errors = victim.errors();
    workerErrors += errors.filter((line) => line.includes('batch processing failed')).length;
    serverErrors.push(...errors);
  };

  try {
    server = await startTrialServer(database);
    let apis = parties.map((p) => new TrialPartnerApi(server!.url, p));
    await Promise.all(apis.map((api) => api.accessToken()));

    // Send everything, then kill at a random moment.
    let killsSoFar = 0;
    const send = (s: Submission, api: TrialPartnerApi) =>
      api.submit(s.name, s.devices, s.requestId).then((result) => {
        if (result.kind === 'accepted') {
          s.location = result.location;
          s.trackingId = result.trackingId;
          s.ackedAfterKills = killsSoFar;
        }
        return result;
      });
    const t0 = performance.now();
    const setupMs = Math.round(t0 - trialStarted);
    let inFlight: Promise<unknown>[] = plan.map(async (s) => {
      await sleep(random.int(0, 300));
      return send(s, apis[s.party]!);
    });
    let acknowledgedBeforeFirstKill = 0;

    for (let kill = 1; kill <= killCount; kill++) {
      // The first kill: in half of the trials at a moment uniform over the time an
      // undisturbed run takes (measured from the first submission); in the other half while
      // a batch is being processed — once the database shows one `processing`, after a
      // further 0–100 ms (a chunk of 2000 takes about 100–300 ms). Later kills: uniform
      // over the same time, after the restart.
      const from = kill === 1 ? t0 : performance.now();
      let aim: CrashKillRecord['aim'] = 'timed';
      if (kill === 1 && random.next() < 0.5) {
        aim = (await untilProcessing(
          database,
          plan.map((s) => s.requestId),
          calibration.endMs * 3,
        ))
          ? 'processing'
          : 'timed';
        await sleep(random.int(0, 100));
      } else {
        await sleep(Math.max(0, random.next() * calibration.endMs - (performance.now() - from)));
      }
      const atMs = Math.round(performance.now() - from);
      await retire(server, 'kill');
      killsSoFar = kill;
      await Promise.allSettled(inFlight);
      const acknowledged = plan.filter((s) => s.location !== undefined).length;
      if (kill === 1) {
        acknowledgedBeforeFirstKill = acknowledged;
      }
      const states = await batchStates(
        database,
        plan.map((s) => s.requestId),
      );
      const count = (status: string) => states.filter((s) => s.status === status).length;
      kills.push({
        aim,
        atMs,
        batches: {
          notStored: plan.length - states.length,
          receiving: count('receiving'),
          queued: count('queued'),
          processing: count('processing'),
          ended: states.filter((s) =>
            ['finished', 'finished_with_errors', 'failed'].includes(s.status),
          ).length,
        },
        partlyDone: states.filter(
          (s) =>
            s.status === 'processing' && Number(s.done) > 0 && Number(s.done) < Number(s.stored),
        ).length,
        rowsDone: states.reduce((n, s) => n + Number(s.done), 0),
        rowsStored: states.reduce((n, s) => n + Number(s.stored), 0),
        acknowledged,
      });
      // An acknowledged batch must have survived the crash.
      for (const s of plan.filter((p) => p.trackingId !== undefined)) {
        if (!states.some((st) => st.id === s.trackingId && st.status !== 'receiving')) {
          violations.push({
            invariant: 'acknowledged batch missing after the crash',
            detail: `batch ${s.trackingId} (${s.name}) got a 202 but is not in the database after kill ${kill}`,
          });
        }
      }

      // A killed worker's lease holds its batch for up to 30 s: waited out for real now
      // and then, otherwise aged to the state those seconds would bring.
      // Once a trial waits for real, later kills in it do not age the lease either.
      if (leaseWaited || (count('processing') > 0 && waitForReal())) {
        leaseWaited = true;
      } else {
        await expireLeases(database, 'processing');
      }
      // A request that died while its rows were being stored: its submitter's lease runs out
      // in 2 minutes, after which a retry under the same MS-RequestId replaces it.
      await expireLeases(database, 'receiving');
      server = await startTrialServer(database);
      apis = parties.map((p) => new TrialPartnerApi(server!.url, p));
      const restartedAt = performance.now();

      // The client resends what got no 202, under the same MS-RequestId.
      const committed = new Map(
        states.filter((s) => s.status !== 'receiving').map((s) => [s.client_batch_id, s.id]),
      );
      const leftovers = new Set(
        states.filter((s) => s.status === 'receiving').map((s) => s.client_batch_id),
      );
      inFlight = plan
        .filter((s) => s.location === undefined)
        .map((s) =>
          resend(
            s,
            apis[s.party]!,
            committed.get(`pc:${s.requestId}`),
            leftovers.has(`pc:${s.requestId}`),
            kill === killCount,
          ),
        );
      if (kill === killCount) {
        await Promise.all(inFlight);
        // Every submission is acknowledged now (or the trial reports why not).
        for (const s of plan.filter((p) => p.location === undefined)) {
          violations.push({
            invariant: 'submission never acknowledged after recovery',
            detail: `${s.name} (MS-RequestId ${s.requestId}) has no 202 after ${killCount} kill(s) and retries`,
          });
        }
        recoveryMs = await waitAndCheckApi(plan, apis, leaseWaited, violations, restartedAt);
      }
    }

    async function resend(
      s: Submission,
      api: TrialPartnerApi,
      committedId: string | undefined,
      leftover: boolean,
      final: boolean,
    ) {
      for (let attempt = 0; attempt < 3 && s.location === undefined; attempt++) {
        retries.sent++;
        const result = await send(s, api);
        if (result.kind === 'accepted') {
          if (committedId !== undefined) {
            retries.sameBatch++;
            if (result.trackingId !== committedId) {
              violations.push({
                invariant: 'retry with the same MS-RequestId made a second batch',
                detail: `${s.name}: the crash had committed batch ${committedId}; the retry answered ${result.trackingId}`,
              });
            }
          } else {
            retries.newBatch++;
            retries.replacedReceiving += leftover ? 1 : 0;
          }
          return;
        }
        if (result.kind === 'refused' && result.status === 409 && committedId === undefined) {
          // Its rows were arriving when the process died, and that `receiving` leftover's
          // lease has run out: the retry should have replaced it. Resent under a new id so
          // the rest of the trial still runs.
          retries.refusedReceiving++;
          violations.push({
            invariant: 'retry refused although the crashed attempt was abandoned',
            detail: `${s.name} (MS-RequestId ${s.requestId}): ${JSON.stringify(result).slice(0, 300)}`,
          });
          s.requestId = randomUUID();
          continue;
        }
        if (result.kind === 'failed') {
          if (final) {
            continue; // no kill is coming: a network hiccup, try again
          }
          return; // the server will die again (a later kill); resent after the next restart
        }
        violations.push({
          invariant: 'retry answered unexpectedly',
          detail: `${s.name}: ${JSON.stringify(result).slice(0, 500)}`,
        });
        return;
      }
    }

    const runMs = Math.round(performance.now() - t0);
    const checkStarted = performance.now();
    await retire(server, 'stop');
    server = undefined;
    const store = await checkStoreInvariants(database);
    violations.push(...store.violations);
    // Every submission ended up acknowledged, so every device sent is registered exactly
    // once, by one of the batches that carried it: nothing lost, nothing extra.
    const sent = new Set(plan.flatMap((s) => s.devices.map((d) => d.digest)));
    const held = await withTrialQuery(database, (q) =>
      q.all<{ hash_digest: string }>('select hash_digest from devices'),
    );
    const heldSet = new Set(held.map((h) => h.hash_digest));
    const missing = [...sent].filter((d) => !heldSet.has(d));
    const extra = held.filter((h) => !sent.has(h.hash_digest));
    if (missing.length > 0 || extra.length > 0 || held.length !== sent.size) {
      violations.push({
        invariant: 'devices sent and devices registered differ',
        detail: `${sent.size} distinct devices sent, ${held.length} registered; ${missing.length} missing, ${extra.length} not sent`,
      });
    }
    const integrity = await checkIntegrity(database);
    violations.push(
      ...integrity.problems.map((p) => ({ invariant: 'database integrity check', detail: p })),
    );
    // No error is expected: a killed process logs nothing, and a restarted one resumes
    // cleanly. A worker failure would leave its batch until the lease runs out.
    for (const line of serverErrors) {
      violations.push({ invariant: 'server logged an error', detail: summariseLogLine(line) });
    }
    if (violations.length > 0 && options.keepOnViolation) {
      keptAt = database.where;
    }
    return {
      trial,
      seed,
      kills,
      leaseWaited,
      submissions: plan.length,
      acknowledgedBeforeFirstKill,
      retries,
      rows: plan.reduce((n, s) => n + s.devices.length, 0),
      recoveryMs,
      phaseMs: { setup: setupMs, run: runMs, check: Math.round(performance.now() - checkStarted) },
      outcomes: store.figures.outcomes,
      maxAttempts: store.figures.maxAttempts,
      workerErrors,
      violations,
      ...(keptAt ? { keptAt } : {}),
    };
  } catch (error) {
    violations.push({ invariant: 'trial aborted', detail: describeError(error) });
    if (server) {
      violations.push({ invariant: 'server log tail', detail: server.tail(20).join('\n') });
      await server.kill();
    }
    if (options.keepOnViolation) {
      keptAt = database.where;
    }
    return {
      trial,
      seed,
      kills,
      leaseWaited,
      submissions: plan.length,
      acknowledgedBeforeFirstKill: 0,
      retries,
      rows: plan.reduce((n, s) => n + s.devices.length, 0),
      recoveryMs,
      outcomes: {},
      maxAttempts: 0,
      workerErrors,
      violations,
      ...(keptAt ? { keptAt } : {}),
    };
  } finally {
    if (!keptAt) {
      await database.dispose();
    }
  }
}

/**
 * Waits for every submission's batch to end, reading it as the client does, and checks
 * the answer: one final outcome per device, in the order sent. Returns the time from the
 * restart until the last batch had ended.
 */
async function waitAndCheckApi(
  plan: readonly Submission[],
  apis: readonly TrialPartnerApi[],
  leaseWaited: boolean,
  violations: TrialViolation[],
  restartedAt: number,
): Promise<number> {
  // A batch half done by the killed worker resumes when its 30 s lease runs out.
  const timeoutMs = (leaseWaited ? 45_000 : 0) + 180_000;
  let last = restartedAt;
  for (const s of plan.filter((p) => p.location !== undefined)) {
    let status;
    try {
      status = await apis[s.party]!.waitFinished(s.location!, timeoutMs, 200);
    } catch (error) {
      violations.push({
        invariant: 'acknowledged batch did not end',
        detail: `${s.name} (${s.trackingId}): ${describeError(error)}`,
      });
      continue;
    }
    last = Math.max(last, performance.now());
    const rows = status.devicesStatus;
    const wrong = rows.filter(
      (d, i) =>
        d.serialNumber !== s.devices[i]?.serialNumber ||
        !isFinalWireStatus(d.status) ||
        (d.status === 'finished') !== (d.deviceId !== null) ||
        (d.status === 'finished_with_errors') !== (d.errorCode !== null),
    );
    if (rows.length !== s.devices.length || wrong.length > 0) {
      violations.push({
        invariant: 'batch status without one final outcome per device (API)',
        detail: `${s.name} (${s.trackingId}): ${rows.length} outcomes for ${s.devices.length} devices; ${wrong.length} wrong, e.g. ${JSON.stringify(wrong.slice(0, 3))}`,
      });
    }
  }
  return Math.round(last - restartedAt);
}

function summarise(records: readonly CrashTrialRecord[]): CrashSummary {
  const outcomes: Record<string, number> = {};
  const retries = noRetries();
  const killsWhile = {
    notStored: 0,
    receiving: 0,
    queued: 0,
    processing: 0,
    allEnded: 0,
    partlyDone: 0,
  };
  for (const record of records) {
    for (const [code, n] of Object.entries(record.outcomes)) {
      outcomes[code] = (outcomes[code] ?? 0) + n;
    }
    for (const key of Object.keys(retries) as (keyof RetryFigures)[]) {
      retries[key] += record.retries[key];
    }
    for (const kill of record.kills) {
      const b = kill.batches;
      killsWhile.notStored += b.notStored > 0 ? 1 : 0;
      killsWhile.receiving += b.receiving > 0 ? 1 : 0;
      killsWhile.queued += b.queued > 0 ? 1 : 0;
      killsWhile.processing += b.processing > 0 ? 1 : 0;
      killsWhile.partlyDone += kill.partlyDone > 0 ? 1 : 0;
      killsWhile.allEnded += b.notStored + b.receiving + b.queued + b.processing === 0 ? 1 : 0;
    }
  }
  return {
    trials: records.length,
    kills: records.reduce((n, r) => n + r.kills.length, 0),
    killsWhile,
    leaseWaitedTrials: records.filter((r) => r.leaseWaited).length,
    aimedAtProcessing: records.reduce(
      (n, r) => n + r.kills.filter((k) => k.aim === 'processing').length,
      0,
    ),
    submissions: records.reduce((n, r) => n + r.submissions, 0),
    rows: records.reduce((n, r) => n + r.rows, 0),
    retries,
    outcomes,
    maxAttempts: Math.max(0, ...records.map((r) => r.maxAttempts)),
    workerErrors: records.reduce((n, r) => n + r.workerErrors, 0),
    recoveryMs: spread(records.map((r) => r.recoveryMs)),
    violations: records.flatMap((r) => r.violations.map((v) => ({ ...v, trial: r.trial }))),
  };
}
