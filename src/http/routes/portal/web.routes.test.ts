import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../../../auth/key-ring.js';
import { createLogger } from '../../../platform/logger.js';
import { openDatabase, type Database } from '../../../store/database.js';
import { buildDeps } from '../../../../test/kit/services.js';
import { buildApp } from '../../app.js';

/** The app over an empty SQLite database, serving the web app from `webRoot`. */
async function appServing(database: Database, webRoot: string): Promise<FastifyInstance> {
  const { deps } = buildDeps(database);
  return buildApp({
    deps,
    keyRing: await KeyRing.open(deps.store.repos.signingKeys),
    probe: database,
    logger: createLogger({ level: 'silent' }),
    portalWebRoot: webRoot,
  });
}

describe('the portal web app', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-web-'));
  const built = path.join(dir, 'built');
  let database: Database;
  let app: FastifyInstance;
  let unbuilt: FastifyInstance;
  beforeAll(async () => {
    fs.mkdirSync(path.join(built, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(built, 'index.html'), '<!doctype html><title>Preflight</title>');
    fs.writeFileSync(path.join(built, 'assets', 'index-abc123.js'), 'console.log(1);');
    fs.writeFileSync(path.join(built, 'favicon.svg'), '<svg/>');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside the web root');
    database = await openDatabase({ kind: 'sqlite', file: path.join(dir, 'db.sqlite') });
    await database.migrate();
    app = await appServing(database, built);
    unbuilt = await appServing(database, path.join(dir, 'missing'));
  });
  afterAll(async () => {
    await app.close();
    await unbuilt.close();
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const securityHeaders = {
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };

  it('serves index.html under /portal/, never cached, with a strict content security policy', async () => {
    const page = await app.inject({ method: 'GET', url: '/portal/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<title>Preflight</title>');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers).toMatchObject(securityHeaders);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it("answers index.html for the app's own paths, so a reload keeps the page", async () => {
    for (const url of [
      '/portal/customers',
      '/portal/customers/42/add-devices',
      '/portal/invitations/abc',
    ]) {
      const page = await app.inject({ method: 'GET', url });
      expect(page.statusCode, url).toBe(200);
      expect(page.body).toContain('<title>Preflight</title>');
      expect(page.headers['cache-control']).toBe('no-store');
    }
  });

  it('caches hashed assets for a year, and serves top-level files of the build', async () => {
    const asset = await app.inject({ method: 'GET', url: '/portal/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['x-content-type-options']).toBe('nosniff');
    expect((await app.inject({ method: 'GET', url: '/portal/assets/nope.js' })).statusCode).toBe(
      404,
    );
    const icon = await app.inject({ method: 'GET', url: '/portal/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.body).toBe('<svg/>');
  });

  it('never serves files outside the build', async () => {
    for (const url of [
      '/portal/../secret.txt',
      '/portal/%2e%2e/secret.txt',
      '/portal/assets/..%2f..%2fsecret.txt',
    ]) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.body, url).not.toContain('outside the web root');
    }
  });

  it('keeps unknown API paths JSON 404s, and leads / to the portal', async () => {
    const api = await app.inject({ method: 'GET', url: '/portal/api/no-such-thing' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ error: { code: 'http.not_found' } });
    const root = await app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/portal/');
    expect((await app.inject({ method: 'GET', url: '/portal' })).headers.location).toBe('/portal/');
  });

  it('says how to build the web app when it is not built, instead of failing', async () => {
    const page = await unbuilt.inject({ method: 'GET', url: '/portal/customers' });
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('npm run build');
    // The API still works without the web app.
    expect((await unbuilt.inject({ method: 'GET', url: '/portal/api/setup' })).statusCode).toBe(
      200,
    );
  });
});
