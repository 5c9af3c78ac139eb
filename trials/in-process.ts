/**
 * The app in this process over a scratch database, for the fuzz and isolation trials:
 * the same `buildApp` the server runs, a clock that moves only when told, rate limits
 * raised out of the way, and a logger that keeps every error line so that a trial can
 * tell a handled refusal from a fault. A copy of what `test/kit` does (the trial scripts
 * are compiled without `test/`), through the services only, as in production.
 * @module
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { KeyRing } from '../src/auth/key-ring.js';
import type { DatabaseConfig } from '../src/config/config.js';
import { operator, type Actor } from '../src/domain/actor.js';
import type { Organisation } from '../src/domain/organisation.js';
import { buildApp } from '../src/http/app.js';
import { fixedClock } from '../src/platform/clock.js';
import { createLogger } from '../src/platform/logger.js';
import type { ServiceDeps } from '../src/services/deps.js';
import { createOrganisation } from '../src/services/organisations.js';
import { processBatch } from '../src/services/registration/process-batch.js';
import { acceptInvitation, inviteCustomer } from '../src/services/relationships.js';
import { actorForUser, createApiClient, createUser } from '../src/services/users.js';
import { openDatabase, type Database } from '../src/store/database.js';
import { createStore } from '../src/store/store.js';

export type DialectName = 'sqlite' | 'postgres';

/** A fresh, migrated database and how to get rid of it. */
export interface ScratchDatabase {
  readonly dialect: DialectName;
  readonly database: Database;
  dispose(): Promise<void>;
}

/** A new SQLite file in a temporary folder, or a new PostgreSQL schema with a random name. */
export async function scratchDatabase(
  dialect: DialectName,
  pgUrl?: string,
): Promise<ScratchDatabase> {
  let config: DatabaseConfig;
  let drop: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-trial-'));
    config = { kind: 'sqlite', file: path.join(dir, 'trial.sqlite') };
    drop = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    if (!pgUrl) {
      throw new Error('PostgreSQL needs a URL (--pg URL or PREFLIGHT_TEST_PG_URL)');
    }
    const schema = `preflight_trial_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    config = { kind: 'postgres', url: pgUrl, schema };
    drop = async () => {
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    };
  }
  const database = await openDatabase(config);
  await database.migrate();
  return {
    dialect,
    database,
    dispose: async () => {
      await database.close();
      await drop();
    },
  };
}

/** The app over `database`, with every error the server logged kept in `serverErrors`. */
export async function buildTrialApi(database: Database, start = '2026-01-15T09:00:00.000Z') {
  const clock = fixedClock(start);
  const deps: ServiceDeps = {
    store: createStore(database),
    clock,
    settings: { publicUrl: 'https://preflight.test', invitationTtlDays: 14 },
  };
  const serverErrors: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      serverErrors.push(String(chunk).slice(0, 4000));
      done();
    },
  });
  const keyRing = await KeyRing.open(deps.store.repos.signingKeys, () => clock.now().getTime());
  const app = await buildApp({
    deps,
    keyRing,
    probe: database,
    logger: createLogger({ level: 'error', destination: sink }),
    limits: {
      clientRequestsPerMinute: 1_000_000_000,
      deviceLookupsPerMinute: 1_000_000_000,
      tokenRequestsPerMinute: 1_000_000_000,
    },
  });
  await app.ready();
  return { app, deps, clock, keyRing, serverErrors };
}

export type TrialApi = Awaited<ReturnType<typeof buildTrialApi>>;

/** An API client's credentials. */
export interface ClientCredentials {
  readonly clientId: string;
  readonly secret: string;
  readonly orgId: string;
}

/** Creates an API client for `org` with `roles` (default agent). */
export async function apiClient(
  deps: ServiceDeps,
  org: Organisation,
  roles: string[] = ['agent'],
): Promise<ClientCredentials> {
  const { client, secret } = await createApiClient(deps, operator, { org: org.id, roles });
  return { clientId: client.clientId, secret, orgId: org.id };
}

/** Asks the token endpoint for a token; the raw response, refused or not. */
export function requestToken(
  app: FastifyInstance,
  client: ClientCredentials,
  tenant?: string,
  scope = 'https://graph.microsoft.com/.default',
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: tenant ? `/${encodeURIComponent(tenant)}/oauth2/v2.0/token` : '/oauth2/v2.0/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.secret,
      scope,
    }).toString(),
  });
}

/** A token from the token endpoint; throws when refused. */
export async function tokenFor(
  app: FastifyInstance,
  client: ClientCredentials,
  tenant?: string,
): Promise<string> {
  const response = await requestToken(app, client, tenant);
  if (response.statusCode !== 200) {
    throw new Error(`token request refused: ${response.statusCode} ${response.body}`);
  }
  return (response.json() as { access_token: string }).access_token;
}

/** `Authorization` header for a token. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A user with `role` in `org`, as the actor acting for it. */
export async function userActor(
  deps: ServiceDeps,
  org: Organisation,
  email: string,
  role: string,
): Promise<Actor> {
  await createUser(deps, operator, { org: org.id, email, role });
  return actorForUser(deps, email, [org.id]);
}

/** A customer with a tenant domain and an admin user. */
export async function newCustomer(deps: ServiceDeps, name: string) {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '');
  const org = await createOrganisation(deps, operator, {
    kind: 'customer',
    displayName: name,
    domain: `${slug}.example`,
  });
  const admin = await userActor(deps, org, `admin@${slug}.example`, 'admin');
  return { org, admin };
}

/** A partner (or OEM). */
export function newRegistrar(deps: ServiceDeps, name: string, kind: 'partner' | 'oem' = 'partner') {
  return createOrganisation(deps, operator, { kind, displayName: name });
}

/** `customer`'s admin accepts an invitation from `registrar`: an active relationship. */
export async function consent(
  deps: ServiceDeps,
  registrar: Organisation,
  customer: { org: Organisation; admin: Actor },
) {
  const { token } = await inviteCustomer(deps, operator, {
    from: registrar.id,
    to: customer.org.id,
  });
  return acceptInvitation(deps, customer.admin, token);
}

/** Processes every queued batch, as the worker would. */
export async function drainBatches(deps: ServiceDeps): Promise<number> {
  let batches = 0;
  for (;;) {
    const done = await processBatch(deps, deps.store.transaction, {
      id: 'trial-worker',
      leaseMs: 60_000,
    });
    if (!done) {
      return batches;
    }
    batches++;
  }
}

/** Command-line options shared by the trial scripts: `--name value` pairs. */
export function readOptions(argv: readonly string[]): Map<string, string> {
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
      if (inline !== undefined) {
        options.set(name, inline);
      } else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) {
        options.set(name, argv[++i]!);
      } else {
        options.set(name, 'true');
      }
    }
  }
  return options;
}

/** The machine, for the figures of a run. */
export function machine(): string {
  const cpus = os.cpus();
  return `Node ${process.version}, ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}`;
}
