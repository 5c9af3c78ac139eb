import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';
import { buildApp } from '../http/app.js';
import { startBatchWorker } from '../jobs/batch-worker.js';
import { systemClock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { ServiceDeps } from '../services/deps.js';
import { openDatabase, type Database } from '../store/database.js';
import { createStore } from '../store/store.js';

/** An opened database with the service dependencies built on it. */
export interface Services {
  readonly database: Database;
  readonly deps: ServiceDeps;
  /** Called whenever a batch is queued in this process (the worker subscribes). */
  onBatchQueued(listener: (batchId: string) => void): void;
}

/** Opens and migrates the configured database and builds the service dependencies. */
export async function openServices(config: Config): Promise<Services> {
  const database = await openDatabase(config.db);
  try {
    await database.migrate();
  } catch (error) {
    await database.close();
    throw error;
  }
  const listeners: ((batchId: string) => void)[] = [];
  return {
    database,
    deps: {
      store: createStore(database),
      clock: systemClock,
      settings: { publicUrl: config.http.publicUrl, invitationTtlDays: config.invitations.ttlDays },
      events: { batchQueued: (batchId) => listeners.forEach((listener) => listener(batchId)) },
    },
    onBatchQueued: (listener) => listeners.push(listener),
  };
}

/** A listening server and how to stop it gracefully. */
export interface RunningServer {
  readonly app: FastifyInstance;
  readonly url: string;
  /** Stops accepting connections, lets in-flight requests finish, then closes the database. */
  close(): Promise<void>;
}

/** Starts the HTTP service on the configured port. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const services = await openServices(config);
  const app = await buildApp({ deps: services.deps, probe: services.database, logger });
  const worker = startBatchWorker(services.deps, logger.child({ component: 'worker' }));
  services.onBatchQueued(() => worker.nudge());
  try {
    const url = await app.listen({ port: config.http.port, host: config.http.host });
    logger.info(
      {
        url,
        database: services.database.info.name,
        file: config.db.kind === 'sqlite' ? config.db.file : undefined,
      },
      'preflight is listening',
    );
    let closing: Promise<void> | undefined;
    return {
      app,
      url,
      close: () => {
        closing ??= (async () => {
          await app.close();
          await worker.stop();
          await services.database.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await app.close();
    await worker.stop();
    await services.database.close();
    throw error;
  }
}
