import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPreflightServer } from '../kit/cli.js';

describe('preflight serve', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates its SQLite file, answers health checks with request ids, and stops cleanly on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-serve-'));
    dirs.push(dataDir);
    const server = await startPreflightServer({ PREFLIGHT_DATA_DIR: dataDir });
    try {
      expect(fs.existsSync(path.join(dataDir, 'preflight.sqlite'))).toBe(true);

      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });

      const ready = await fetch(`${server.url}/readyz`, {
        headers: { 'x-request-id': 'probe-42' },
      });
      expect(ready.status).toBe(200);
      expect(ready.headers.get('x-request-id')).toBe('probe-42');

      const missing = await fetch(`${server.url}/nothing-here`);
      expect(missing.status).toBe(404);
      const body = (await missing.json()) as { error: { code: string; requestId: string } };
      expect(body.error.code).toBe('http.not_found');
      expect(body.error.requestId).toBe(missing.headers.get('x-request-id'));
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
    const lines = server
      .logs()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; requestId?: string });
    expect(lines.map((l) => l.msg)).toContain('stopped cleanly');
    // Request logs are JSON lines carrying the request id.
    expect(lines.some((l) => l.requestId === 'probe-42' || l.msg === 'incoming request')).toBe(
      true,
    );
  });
});
