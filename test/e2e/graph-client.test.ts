import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../../src/auth/key-ring.js';
import { buildApp } from '../../src/http/app.js';
import { startBatchWorker } from '../../src/jobs/batch-worker.js';
import { createLogger } from '../../src/platform/logger.js';
import { openDatabase, type Database } from '../../src/store/database.js';
import { apiWorld } from '../kit/api.js';
import { scratchDatabase, type ScratchDatabase } from '../kit/databases.js';
import { syntheticDevice } from '../kit/devices.js';
import { register } from '../kit/registration.js';
import { buildDeps } from '../kit/services.js';
import { makeSelfSignedCertificate, type SelfSignedCertificate } from '../kit/tls.js';

const run = promisify(execFile);
const scenario = path.join(import.meta.dirname, 'graph-client', 'scenario.mjs');

/**
 * Microsoft's own Graph client (`@microsoft/microsoft-graph-client`), pointed at our HTTPS
 * base URL, imports devices, polls their import state, pages through a filtered list,
 * updates a group tag and deletes. If it fails, our side is wrong.
 */
describe('Microsoft Graph client against Preflight over HTTPS', () => {
  let scratch: ScratchDatabase;
  let database: Database;
  let certificate: SelfSignedCertificate;
  let stop: () => Promise<void>;
  let env: Record<string, string>;

  beforeAll(async () => {
    certificate = await makeSelfSignedCertificate();
    scratch = await scratchDatabase('sqlite');
    database = await openDatabase(scratch.config);
    await database.migrate();
    const { deps } = buildDeps(database);
    const logger = createLogger({ level: 'silent' });
    const world = await apiWorld(deps);
    // Device 5 already belongs to another customer: its import must end in error 808.
    await register(
      deps,
      {
        kind: 'client',
        clientId: world.otherCustomerClient.clientId,
        orgId: world.otherCustomer.id,
        roles: ['admin'],
      },
      world.otherCustomer,
      [syntheticDevice(5)],
    );
    const keyRing = await KeyRing.open(deps.store.repos.signingKeys, () =>
      deps.clock.now().getTime(),
    );
    const app = await buildApp({
      deps,
      keyRing,
      logger,
      probe: database,
      https: { cert: certificate.cert, key: certificate.key },
    });
    const worker = startBatchWorker(deps, logger, { pollMs: 25 });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    stop = async () => {
      await app.close();
      await worker.stop();
    };
    env = {
      ...process.env,
      NODE_EXTRA_CA_CERTS: certificate.caFile,
      BASE_URL: url,
      TENANT: world.customer.id,
      CLIENT_ID: world.customerClient.clientId,
      CLIENT_SECRET: world.customerClient.secret,
      FILTER_PREFIX: 'SN0000000',
      DEVICES: JSON.stringify([1, 2, 3, 4, 5].map((n) => syntheticDevice(n))),
    } as Record<string, string>;
  }, 60_000);

  afterAll(async () => {
    await stop?.();
    await database?.close();
    await scratch?.dispose();
    if (certificate) {
      fs.rmSync(path.dirname(certificate.certFile), { recursive: true, force: true });
    }
  });

  it('imports, polls, pages, filters, updates a group tag and deletes', async () => {
    const { stdout } = await run(process.execPath, [scenario], { env, timeout: 60_000 }).catch(
      (error: { stdout?: string; stderr?: string }) => {
        throw new Error(`the Graph client failed: ${error.stdout ?? ''} ${error.stderr ?? ''}`);
      },
    );
    const observed = JSON.parse(stdout);
    expect(observed.importedCount).toBe(5);
    expect(observed.initialStates.every((s: string) => s === 'unknown' || s === 'pending')).toBe(
      true,
    );
    expect(
      observed.finalStates
        .slice(0, 4)
        .map((s: { deviceImportStatus: string }) => s.deviceImportStatus),
    ).toEqual(['complete', 'complete', 'complete', 'complete']);
    expect(observed.finalStates[4]).toMatchObject({
      deviceImportStatus: 'error',
      deviceErrorCode: 808,
      deviceErrorName: 'ZtdDeviceAssignedToOtherTenant',
    });
    expect(observed.listedSerials.sort()).toEqual([
      'SN00000001',
      'SN00000002',
      'SN00000003',
      'SN00000004',
    ]);
    expect(observed.firstPageHadNextLink).toBe(true);
    expect(observed.updatedGroupTag).toBe('Microsoft365Managed_Autopilot');
    expect(observed.updatedProfileStatus).toBe('assignedInSync');
    expect(observed.afterDelete).toEqual({ statusCode: 404, code: 'ResourceNotFound' });
    expect(observed.remainingImports).toBe(0);
    expect(observed.badHash.statusCode).toBe(400);
    expect(observed.badHash.code).toBe('BadRequest');
    expect(observed.badHash.message).toMatch(/Edm\.Binary/);
  }, 90_000);
});
