import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runPreflight, startPreflightServer } from '../kit/cli.js';
import { makeSelfSignedCertificate, type SelfSignedCertificate } from '../kit/tls.js';

interface Reply {
  readonly status: number;
  readonly body: string;
}

/** GET over https (trusting `ca` alone) or plain http, on a connection of its own. */
function get(url: string, ca?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const done = (res: http.IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    };
    const request = url.startsWith('https:')
      ? https.get(url, { agent: false, ...(ca ? { ca } : {}) }, done)
      : http.get(url, { agent: false }, done);
    request.setTimeout(10_000, () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}

/** A one-line failure on stderr, without a stack trace. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  expect(stderr).toMatch(pattern);
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('preflight serve over HTTPS', () => {
  let tlsDir: string;
  let cert: SelfSignedCertificate;
  let other: SelfSignedCertificate;

  beforeAll(async () => {
    tlsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-tls-e2e-'));
    cert = await makeSelfSignedCertificate(path.join(tlsDir, 'one'));
    other = await makeSelfSignedCertificate(path.join(tlsDir, 'other'));
  });
  afterAll(() => fs.rmSync(tlsDir, { recursive: true, force: true }));

  const freshDataDir = () => fs.mkdtempSync(path.join(tlsDir, 'data-'));

  async function expectHttpsOnly(server: Awaited<ReturnType<typeof startPreflightServer>>) {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await get(`${server.url}/healthz`, cert.cert);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
    // The certificate is checked: without its CA the client refuses it.
    await expect(get(`${server.url}/healthz`)).rejects.toThrow(/self[- ]signed/i);
    // Plain HTTP on the same port gets no HTTP answer.
    await expect(get(`${server.url.replace(/^https:/, 'http:')}/healthz`)).rejects.toThrow();
  }

  it('serves /healthz over HTTPS with --tls-cert and --tls-key, which override the variables', async () => {
    const server = await startPreflightServer(
      {
        PREFLIGHT_DATA_DIR: freshDataDir(),
        PREFLIGHT_TLS_CERT: path.join(tlsDir, 'no-such-cert.pem'),
        PREFLIGHT_TLS_KEY: other.keyFile,
      },
      ['--tls-cert', cert.certFile, '--tls-key', cert.keyFile],
    );
    try {
      await expectHttpsOnly(server);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
  });

  it('serves HTTPS with PREFLIGHT_TLS_CERT and PREFLIGHT_TLS_KEY, relative to the working folder', async () => {
    const server = await startPreflightServer({
      PREFLIGHT_DATA_DIR: freshDataDir(),
      PREFLIGHT_TLS_CERT: path.relative(repoRoot, cert.certFile),
      PREFLIGHT_TLS_KEY: path.relative(repoRoot, cert.keyFile),
    });
    try {
      await expectHttpsOnly(server);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
  });

  it('exits 2 with one line when only one of the flags is given', () => {
    const env = { PREFLIGHT_DATA_DIR: freshDataDir() };
    const serve = ['serve', '--port', '0', '--host', '127.0.0.1'];

    const noKey = runPreflight([...serve, '--tls-cert', cert.certFile], env);
    expect(noKey.code).toBe(2);
    expectOneLine(noKey.stderr, /--tls-cert and --tls-key go together, but --tls-key is missing/);

    const noCert = runPreflight([...serve, '--tls-key', cert.keyFile], env);
    expect(noCert.code).toBe(2);
    expectOneLine(noCert.stderr, /--tls-cert and --tls-key go together, but --tls-cert is missing/);
  });

  it('exits 2 naming both variables when only one of them is set', () => {
    const result = runPreflight(['serve', '--port', '0', '--host', '127.0.0.1'], {
      PREFLIGHT_DATA_DIR: freshDataDir(),
      PREFLIGHT_TLS_CERT: cert.certFile,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/PREFLIGHT_TLS_CERT and PREFLIGHT_TLS_KEY go together/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 with one line, before opening the database, when the key does not match the certificate', () => {
    const data = freshDataDir();
    const result = runPreflight(
      [
        'serve',
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--tls-cert',
        cert.certFile,
        '--tls-key',
        other.keyFile,
      ],
      { PREFLIGHT_DATA_DIR: data },
    );
    expect(result.code).toBe(2);
    expectOneLine(
      result.stderr,
      new RegExp(`TLS private key ${escape(other.keyFile)} does not belong to the certificate`),
    );
    expect(fs.existsSync(path.join(data, 'preflight.sqlite'))).toBe(false);
  });

  it('exits 2 with one line naming a certificate file that is missing or not a certificate', () => {
    const env = { PREFLIGHT_DATA_DIR: freshDataDir() };
    const missing = path.join(tlsDir, 'missing.pem');
    const serve = ['serve', '--port', '0', '--host', '127.0.0.1', '--tls-key', cert.keyFile];

    const absent = runPreflight([...serve, '--tls-cert', missing], env);
    expect(absent.code).toBe(2);
    expectOneLine(
      absent.stderr,
      new RegExp(`Cannot read the TLS certificate ${escape(missing)} \\(no such file\\)`),
    );

    const notCert = runPreflight([...serve, '--tls-cert', cert.keyFile], env);
    expect(notCert.code).toBe(2);
    expectOneLine(
      notCert.stderr,
      new RegExp(`TLS certificate ${escape(cert.keyFile)} is not a PEM certificate`),
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
