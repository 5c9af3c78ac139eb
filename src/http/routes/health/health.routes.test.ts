import { describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { createLogger } from '../../../platform/logger.js';
import type { ServiceDeps } from '../../../services/deps.js';
import { KeyRing } from '../../../auth/key-ring.js';
import type { SigningKeyRow } from '../../../store/signing-key.repo.js';

const logger = createLogger({ level: 'silent' });
const deps = {} as ServiceDeps;
const rows: SigningKeyRow[] = [];
const keyRing = await KeyRing.open({
  all: async () => rows,
  insert: async (row) => void rows.push(row),
});

describe('health routes', () => {
  it('reports ready only when the database answers and no migration is pending', async () => {
    const ready = await buildApp({
      deps,
      logger,
      keyRing,
      probe: { ping: async () => {}, pendingMigrations: async () => [] },
    });
    expect((await ready.inject('/readyz')).statusCode).toBe(200);

    const pending = await buildApp({
      deps,
      logger,
      keyRing,
      probe: { ping: async () => {}, pendingMigrations: async () => ['0002-devices'] },
    });
    const response = await pending.inject('/readyz');
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      status: 'unavailable',
      reason: 'migrations pending: 0002-devices',
    });

    const down = await buildApp({
      deps,
      logger,
      keyRing,
      probe: {
        ping: async () => {
          throw new Error('connection refused');
        },
        pendingMigrations: async () => [],
      },
    });
    expect((await down.inject('/readyz')).json()).toEqual({
      status: 'unavailable',
      reason: 'database unreachable: connection refused',
    });
    expect((await down.inject('/healthz')).statusCode).toBe(200);
  });

  it('replaces a request id it should not echo', async () => {
    const app = await buildApp({
      deps,
      logger,
      keyRing,
      probe: { ping: async () => {}, pendingMigrations: async () => [] },
    });
    const response = await app.inject({
      url: '/healthz',
      headers: { 'x-request-id': 'bad id\twith tabs' },
    });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
