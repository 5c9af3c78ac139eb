/**
 * The race trial (issue 8, trial 2): two partners, each consented by a different customer,
 * register the same devices at the same moment — on PostgreSQL through two `preflight
 * serve` processes sharing the database (partner A through the first, partner B through
 * the second), on SQLite through one process.
 *
 * Each round takes `devices` new devices (10 000: the most one request carries) and sends
 * them in one request per partner, both requests started together. Partner B's order
 * differs by round — the same as A's, reversed, shuffled — so the two batches meet in
 * different places: in the same order the later one finds every device taken; reversed,
 * the two workers meet in the middle; shuffled, they contend on every chunk.
 *
 * Once both batches have ended, read through the API as the partners would and on the
 * database directly:
 * - each device has exactly one device record, owned by customer X or Y;
 * - for each device exactly one side says registered (with the id of that record) and the
 *   other side's row says 808 (`ZtdDeviceAssignedToOtherTenant`); no other outcome;
 * - registered(A) + registered(B) = devices, and 808(A) + 808(B) = devices;
 * - and the store-wide invariants and the integrity check of `trials/kit.ts`.
 * @module
 */
import { randomUUID } from 'node:crypto';
import {
  checkIntegrity,
  checkStoreInvariants,
  createTrialDatabase,
  describeError,
  seedTrialParties,
  spread,
  startTrialServer,
  summariseLogLine,
  trialDevice,
  trialRandom,
  TrialPartnerApi,
  withTrialQuery,
  type Backend,
  type TrialBatchStatus,
  type TrialDevice,
  type TrialServer,
  type TrialViolation,
} from './kit.js';

/** How a race run is shaped. */
export interface RaceOptions {
  readonly backend: Backend;
  /** Devices both partners register in each round (≤ 10 000). */
  readonly devices: number;
  /** Rounds; B's order cycles through same, reversed, shuffled. */
  readonly rounds: number;
  readonly seed: number;
  /**
   * Stop waiting as soon as a worker fails (CI): its batch would only resume when its 30 s
   * lease runs out. Without it the round waits, and shows the recovery.
   */
  readonly failFast?: boolean;
  readonly keepOnViolation?: boolean;
  readonly log?: (line: string) => void;
}

export type RaceOrder = 'same' | 'reversed' | 'shuffled';

/** What one round saw. */
export interface RaceRoundRecord {
  readonly round: number;
  readonly order: RaceOrder;
  readonly devices: number;
  /** Time to the 202 of A's and B's request, and until each batch had ended. */
  readonly acceptedMs: [number, number];
  readonly endedMs: [number, number];
  readonly registered: [number, number];
  readonly refused808: [number, number];
  /** Outcomes other than registered and 808, by code (expected: none). */
  readonly otherOutcomes: Record<string, number>;
  /** How often the winner changes along A's order: 1 when one side took everything first. */
  readonly winnerRuns: number;
  /** Which server's worker processed A's and B's batch (1 or 2; 0 when unknown). */
  readonly processedBy: [number, number];
  /** Claims each batch needed (more than 1: a worker failed and the batch was resumed). */
  readonly attempts: [number, number];
  /** Errors the servers logged during the round (a worker failing its chunk …). */
  readonly serverErrors: string[];
  readonly violations: TrialViolation[];
}

/** The figures of a race run on one backend. */
export interface RaceReport {
  readonly backend: Backend;
  readonly servers: number;
  readonly options: Omit<RaceOptions, 'log'>;
  readonly rounds: RaceRoundRecord[];
  /** Errors the servers logged ("batch processing failed" …), each once. */
  readonly serverErrors: string[];
  /** Store-wide invariants and the integrity check at the end. */
  readonly finalViolations: TrialViolation[];
  readonly integrityChecks: string[];
  readonly integritySkipped: string[];
  readonly durationMs: number;
  readonly keptAt?: string;
}

const orders: readonly RaceOrder[] = ['same', 'reversed', 'shuffled'];

/** Runs the race rounds on one backend. */
export async function runRaceTrial(options: RaceOptions): Promise<RaceReport> {
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  const random = trialRandom(options.seed);
  const database = await createTrialDatabase(options.backend, 'race');
  const servers: TrialServer[] = [];
  const rounds: RaceRoundRecord[] = [];
  const finalViolations: TrialViolation[] = [];
  let keptAt: string | undefined;
  let integrityChecks: string[] = [];
  let integritySkipped: string[] = [];
  const serverErrors: string[] = [];
  try {
    const [a, b] = (await seedTrialParties(database, [
      { partner: 'Fabrikam Race', customer: 'Contoso Race' },
      { partner: 'Northwind Race', customer: 'Tailspin Race' },
    ])) as [
      Awaited<ReturnType<typeof seedTrialParties>>[number],
      Awaited<ReturnType<typeof seedTrialParties>>[number],
    ];
    // One after the other, so that the second finds the schema migrated.
    const serverCount = options.backend === 'postgres' ? 2 : 1;
    for (let i = 0; i < serverCount; i++) {
      servers.push(await startTrialServer(database));
    }
    const apiA = new TrialPartnerApi(servers[0]!.url, a);
    const apiB = new TrialPartnerApi(servers[servers.length - 1]!.url, b);
    await Promise.all([apiA.accessToken(), apiB.accessToken()]);
    log(
      `[${options.backend}] race: ${a.partnerName} → ${a.customerName} through server 1, ${b.partnerName} → ${b.customerName} through server ${serverCount}; ${options.devices} devices per round`,
    );

    for (let round = 1; round <= options.rounds; round++) {
      const order = orders[(round - 1) % orders.length]!;
      const devices = Array.from({ length: options.devices }, (_, i) =>
        trialDevice(`RC${round}X`, i),
      );
      const forB =
        order === 'same'
          ? devices
          : order === 'reversed'
            ? [...devices].reverse()
            : random.shuffle(devices);
      const record = await raceRound(
        round,
        order,
        devices,
        forB,
        [apiA, apiB],
        servers,
        database,
        options.failFast ?? false,
      );
      rounds.push(record);
      log(
        `[${options.backend}] round ${round} (${order}): accepted after ${record.acceptedMs.join('/')} ms, ended after ${record.endedMs.join('/')} ms; registered A ${record.registered[0]} + B ${record.registered[1]}, 808 A ${record.refused808[0]} + B ${record.refused808[1]}; winner changes ${record.winnerRuns - 1}; processed by server ${record.processedBy.join('/')}; claims ${record.attempts.join('/')}; ${record.violations.length === 0 ? 'all invariants held' : `VIOLATIONS: ${record.violations.map((v) => `${v.invariant}: ${v.detail}`).join(' | ')}`}`,
      );
    }

    for (const server of servers.splice(0)) {
      await server.stop();
      serverErrors.push(...server.errors().map(summariseLogLine));
    }
    const store = await checkStoreInvariants(database);
    finalViolations.push(...store.violations);
    const integrity = await checkIntegrity(database);
    integrityChecks = integrity.checks;
    integritySkipped = integrity.skipped;
    finalViolations.push(
      ...integrity.problems.map((p) => ({ invariant: 'database integrity check', detail: p })),
    );
  } catch (error) {
    finalViolations.push({ invariant: 'race aborted', detail: describeError(error) });
    for (const server of servers) {
      finalViolations.push({ invariant: 'server log tail', detail: server.tail(20).join('\n') });
    }
  } finally {
    for (const server of servers) {
      await server.kill();
      serverErrors.push(...server.errors().map(summariseLogLine));
    }
    const broken = finalViolations.length + rounds.reduce((n, r) => n + r.violations.length, 0);
    if (broken > 0 && options.keepOnViolation) {
      keptAt = database.where;
    } else {
      await database.dispose();
    }
  }
  return {
    backend: options.backend,
    servers: options.backend === 'postgres' ? 2 : 1,
    options: { ...options, log: undefined } as Omit<RaceOptions, 'log'>,
    rounds,
    serverErrors,
    finalViolations,
    integrityChecks,
    integritySkipped,
    durationMs: Math.round(performance.now() - started),
    ...(keptAt ? { keptAt } : {}),
  };
}

async function raceRound(
  round: number,
  order: RaceOrder,
  devices: readonly TrialDevice[],
  forB: readonly TrialDevice[],
  apis: [TrialPartnerApi, TrialPartnerApi],
  servers: readonly TrialServer[],
  database: Awaited<ReturnType<typeof createTrialDatabase>>,
  failFast: boolean,
): Promise<RaceRoundRecord> {
  const violations: TrialViolation[] = [];
  const errorsBefore = servers.map((s) => s.errors().length);
  const newErrors = () =>
    servers.flatMap((s, i) =>
      s
        .errors()
        .slice(errorsBefore[i])
        .map((line) => `server ${i + 1}: ${summariseLogLine(line)}`),
    );
  const lists = [devices, forB] as const;
  const t0 = performance.now();
  // Both requests leave together; each side then polls its own batch until it ends.
  const sides = await Promise.all(
    ([0, 1] as const).map(async (side) => {
      const api = apis[side];
      const accepted = await api.submit(`race-r${round}`, lists[side], randomUUID());
      const acceptedMs = Math.round(performance.now() - t0);
      if (accepted.kind !== 'accepted') {
        throw new Error(
          `side ${'AB'[side]} was not accepted: ${JSON.stringify(accepted).slice(0, 500)}`,
        );
      }
      // A worker that fails resumes the batch when its 30 s lease ends; five failures end it.
      const status = await api.waitFinished(
        accepted.location,
        300_000,
        200,
        failFast ? () => newErrors()[0] : undefined,
      );
      return { accepted, acceptedMs, status, endedMs: Math.round(performance.now() - t0) };
    }),
  );

  // The API view: one outcome per device, registered on one side and 808 on the other.
  const bySerial = sides.map((side, i) =>
    outcomesBySerial(side.status, lists[i]!, violations, 'AB'[i]!),
  );
  const registered: [number, number] = [0, 0];
  const refused808: [number, number] = [0, 0];
  const otherOutcomes: Record<string, number> = {};
  const wrong: string[] = [];
  let winnerRuns = 0;
  let previous: number | undefined;
  for (const device of devices) {
    const outcomes = bySerial.map((m) => m.get(device.serialNumber));
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome?.status === 'finished') {
        registered[i as 0 | 1]++;
      } else if (outcome?.errorCode === '808') {
        refused808[i as 0 | 1]++;
      } else {
        const code = outcome?.errorCode ?? outcome?.status ?? 'missing';
        otherOutcomes[code] = (otherOutcomes[code] ?? 0) + 1;
      }
    }
    const winners = outcomes.flatMap((o, i) => (o?.status === 'finished' ? [i] : []));
    const losersSay808 = outcomes.every((o) => o?.status === 'finished' || o?.errorCode === '808');
    if (winners.length !== 1 || !losersSay808) {
      wrong.push(`${device.serialNumber}: A ${describe(outcomes[0])}, B ${describe(outcomes[1])}`);
    } else {
      if (winners[0] !== previous) {
        winnerRuns++;
      }
      previous = winners[0];
    }
  }
  if (wrong.length > 0) {
    violations.push({
      invariant: 'device without exactly one registered side and 808 on the other (API)',
      detail: `${wrong.length} devices, e.g. ${wrong.slice(0, 5).join('; ')}`,
    });
  }
  if (
    registered[0] + registered[1] !== devices.length ||
    refused808[0] + refused808[1] !== devices.length
  ) {
    violations.push({
      invariant: 'counts do not add up',
      detail: `registered ${registered[0]} + ${registered[1]}, 808 ${refused808[0]} + ${refused808[1]}, for ${devices.length} devices`,
    });
  }

  // The database view: one device record per device, owned by the side the API says won.
  const trackingIds = sides.map((s) =>
    s.accepted.kind === 'accepted' ? s.accepted.trackingId : '',
  );
  const db = await withTrialQuery(database, async (q) => {
    const owners = await q.all<{
      hash_digest: string;
      n: unknown;
      owner: string;
      batch_id: string;
      id: string;
    }>(
      `select d.hash_digest, d.customer_org_id as owner, d.batch_id, d.id,
              (select count(*) from devices e where e.hash_digest = d.hash_digest) as n
         from devices d where d.batch_id in (?, ?)`,
      trackingIds,
    );
    const attempts = await q.all<{ id: string; attempts: unknown }>(
      'select id, attempts from batches where id in (?, ?)',
      trackingIds,
    );
    return { owners, attempts };
  });
  const ownerByDigest = new Map(db.owners.map((o) => [o.hash_digest, o]));
  const dbWrong: string[] = [];
  for (const device of devices) {
    const owner = ownerByDigest.get(device.digest);
    const winner = bySerial.findIndex((m) => m.get(device.serialNumber)?.status === 'finished');
    if (!owner) {
      dbWrong.push(`${device.serialNumber}: no device record`);
    } else if (Number(owner.n) !== 1) {
      dbWrong.push(`${device.serialNumber}: ${Number(owner.n)} device records`);
    } else if (winner < 0 || owner.batch_id !== trackingIds[winner]) {
      dbWrong.push(
        `${device.serialNumber}: record of batch ${owner.batch_id}, API winner ${'AB'[winner] ?? 'none'}`,
      );
    } else if (bySerial[winner]!.get(device.serialNumber)?.deviceId !== owner.id) {
      dbWrong.push(`${device.serialNumber}: API device id differs from the record's ${owner.id}`);
    }
  }
  if (db.owners.length !== devices.length || dbWrong.length > 0) {
    violations.push({
      invariant: 'device records disagree with one owner per device (database)',
      detail: `${db.owners.length} records for ${devices.length} devices; ${dbWrong.length} wrong, e.g. ${dbWrong.slice(0, 5).join('; ')}`,
    });
  }
  const processedBy = trackingIds.map((id) => {
    const index = servers.findIndex((s) => s.processed().includes(id));
    return index + 1;
  }) as [number, number];
  const attempts = trackingIds.map((id) =>
    Number(db.attempts.find((row) => row.id === id)?.attempts ?? 0),
  ) as [number, number];
  const serverErrors = newErrors();
  for (const error of serverErrors) {
    violations.push({
      invariant: 'server logged an error while racing (its batch waits for the lease to resume)',
      detail: error,
    });
  }
  return {
    round,
    order,
    devices: devices.length,
    acceptedMs: [sides[0]!.acceptedMs, sides[1]!.acceptedMs],
    endedMs: [sides[0]!.endedMs, sides[1]!.endedMs],
    registered,
    refused808,
    otherOutcomes,
    winnerRuns,
    processedBy,
    attempts,
    serverErrors,
    violations,
  };
}

/** A side's outcomes by serial number, checking there is one per device sent. */
function outcomesBySerial(
  status: TrialBatchStatus,
  sent: readonly TrialDevice[],
  violations: TrialViolation[],
  side: string,
) {
  const map = new Map(status.devicesStatus.map((d) => [d.serialNumber ?? '', d]));
  if (status.devicesStatus.length !== sent.length || map.size !== sent.length) {
    violations.push({
      invariant: 'batch status without one outcome per device (API)',
      detail: `side ${side}: ${status.devicesStatus.length} outcomes (${map.size} serials) for ${sent.length} devices`,
    });
  }
  return map;
}

function describe(outcome: { status: string; errorCode: string | null } | undefined): string {
  return outcome
    ? `${outcome.status}${outcome.errorCode ? ` ${outcome.errorCode}` : ''}`
    : 'missing';
}

/** Totals over the rounds of a report, for the summary. */
export function raceTotals(report: RaceReport) {
  const sum = (pick: (r: RaceRoundRecord) => number) =>
    report.rounds.reduce((n, r) => n + pick(r), 0);
  return {
    rounds: report.rounds.length,
    devices: sum((r) => r.devices),
    registered: sum((r) => r.registered[0] + r.registered[1]),
    refused808: sum((r) => r.refused808[0] + r.refused808[1]),
    other: sum((r) => Object.values(r.otherOutcomes).reduce((a, b) => a + b, 0)),
    resumed: sum((r) => (r.attempts[0] > 1 ? 1 : 0) + (r.attempts[1] > 1 ? 1 : 0)),
    endedMs: spread(report.rounds.map((r) => Math.max(...r.endedMs))),
    violations: [
      ...report.rounds.flatMap((r) => r.violations.map((v) => ({ ...v, round: r.round }))),
      ...report.finalViolations.map((v) => ({ ...v, round: 0 })),
    ],
  };
}
