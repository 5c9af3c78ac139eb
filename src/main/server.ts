import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import type { Config, TlsFiles } from '../config/config.js';
import { KeyRing } from '../auth/key-ring.js';
import { buildApp } from '../http/app.js';
import { startBatchWorker } from '../jobs/batch-worker.js';
import { systemClock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { ServiceDeps } from '../services/deps.js';
import { openDatabase, type Database } from '../store/database.js';
import { createStore } from '../store/store.js';
import { issueSetupLink } from '../services/setup.js';

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

/**
 * The certificate or key given for HTTPS cannot be used. The message is one line naming the
 * file and what to do about it; the CLI turns it into exit code 2.
 */
export class TlsSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlsSetupError';
  }
}

/** PEM certificate (chain) and private key, checked to parse and to belong together. */
export interface TlsCredentials {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** The (first) certificate of the file, for its subject and validity. */
  readonly certificate: X509Certificate;
}

/**
 * Reads the certificate and key files and checks them before anything listens: each must be
 * readable and parse as PEM, the key must be unencrypted and belong to the certificate, and
 * together they must make a TLS context. Throws `TlsSetupError` otherwise.
 */
export async function readTlsCredentials(files: TlsFiles): Promise<TlsCredentials> {
  const { certFile, keyFile } = files;
  const cert = await readPem(certFile, 'certificate', '--tls-cert or PREFLIGHT_TLS_CERT');
  const key = await readPem(keyFile, 'private key', '--tls-key or PREFLIGHT_TLS_KEY');

  let certificate: X509Certificate;
  try {
    if (!cert.includes('-----BEGIN CERTIFICATE-----')) {
      throw new Error('no PEM certificate');
    }
    certificate = new X509Certificate(cert);
  } catch {
    throw new TlsSetupError(
      `The TLS certificate ${certFile} is not a PEM certificate; give the PEM file of the server certificate (-----BEGIN CERTIFICATE-----, any intermediates after it).`,
    );
  }

  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    const encrypted =
      (error as { code?: unknown } | null)?.code === 'ERR_MISSING_PASSPHRASE' ||
      /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(key.toString('latin1'));
    throw new TlsSetupError(
      encrypted
        ? `The TLS private key ${keyFile} is protected by a passphrase; give an unencrypted copy (openssl pkey -in KEY -out PLAIN-KEY) and keep it readable only by the service.`
        : `The TLS private key ${keyFile} is not a PEM private key; give the PEM file of the key the certificate was issued for (-----BEGIN … PRIVATE KEY-----).`,
    );
  }

  if (!certificate.checkPrivateKey(privateKey)) {
    throw new TlsSetupError(
      `The TLS private key ${keyFile} does not belong to the certificate ${certFile}; give the key the certificate was issued for.`,
    );
  }
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new TlsSetupError(
      `The TLS certificate ${certFile} and key ${keyFile} cannot be used together (${oneLine(error)}); give another certificate and key.`,
    );
  }
  return { cert, key, certificate };
}

async function readPem(file: string, what: string, where: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new TlsSetupError(
      `Cannot read the TLS ${what} ${file} (${readFailure(error)}); check the path given by ${where} and that the service may read it.`,
    );
  }
}

function readFailure(error: unknown): string {
  switch ((error as { code?: unknown } | null)?.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder';
    default:
      return oneLine(error);
  }
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
}

/** Starts the HTTP service on the configured port; HTTPS when `config.http.tls` is set. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  // Checked before the database is opened, so that a bad certificate changes nothing.
  const tls = config.http.tls ? await readTlsCredentials(config.http.tls) : undefined;
  if (tls && Date.parse(tls.certificate.validTo) < Date.now()) {
    logger.warn(
      { certFile: config.http.tls?.certFile, validTo: tls.certificate.validTo },
      'the TLS certificate has expired; clients will refuse it',
    );
  }
  const services = await openServices(config);
  const keyRing = await KeyRing.open(services.deps.store.repos.signingKeys).catch(async (error) => {
    await services.database.close();
    throw error;
  });
  const app = await buildApp({
    deps: services.deps,
    probe: services.database,
    logger,
    keyRing,
    limits: config.http.limits,
    tokenLifetimeSeconds: config.http.tokenLifetimeSeconds,
    ...(tls ? { https: { cert: tls.cert, key: tls.key } } : {}),
  });
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
    await announceSetupLink(services.deps, logger);
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

/**
 * On a service without an operator, prints a fresh one-time link that creates the first
 * one, in the log and on stderr (whoever started the server sees it even with logs
 * shipped elsewhere). Every start replaces the token, so an old link from a log is useless.
 */
async function announceSetupLink(deps: ServiceDeps, logger: Logger): Promise<void> {
  const link = await issueSetupLink(deps);
  if (!link) {
    return;
  }
  logger.warn({ setupUrl: link }, 'no operator yet: open the setup link to create the first one');
  process.stderr.write(
    `\nNo operator exists yet. Open this one-time link to create the first operator:\n\n  ${link}\n\nIt works until it is used or the server restarts.\n\n`,
  );
}
