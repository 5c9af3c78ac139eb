import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A self-signed certificate and its key, as files and as PEM text. */
export interface SelfSignedCertificate {
  /** PEM certificate for `localhost` (SAN `DNS:localhost`, `IP:127.0.0.1`). */
  readonly certFile: string;
  /** Unencrypted PEM private key (EC P-256) of the certificate. */
  readonly keyFile: string;
  readonly cert: string;
  readonly key: string;
  /**
   * The certificate to trust: it is its own CA. Give it to `NODE_EXTRA_CA_CERTS` of a child
   * process, or read it into the `ca` option of an https agent or request.
   */
  readonly caFile: string;
}

/**
 * Creates a fresh self-signed certificate for `localhost`, valid two days, with the system
 * `openssl` binary (run directly, without a shell). The files go into `dir`, or into a new
 * temporary folder the caller removes (`path.dirname(certFile)`). Each call makes a new key,
 * so two calls give a certificate and a key that do not belong together.
 */
export async function makeSelfSignedCertificate(dir?: string): Promise<SelfSignedCertificate> {
  const folder = dir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'preflight-tls-')));
  await fs.mkdir(folder, { recursive: true });
  const certFile = path.join(folder, 'localhost.cert.pem');
  const keyFile = path.join(folder, 'localhost.key.pem');
  try {
    await run(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { timeout: 30_000 },
    );
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(
      `openssl could not create a self-signed certificate in ${folder}: ${stderr || (error as Error).message}`,
    );
  }
  const [cert, key] = await Promise.all([
    fs.readFile(certFile, 'utf8'),
    fs.readFile(keyFile, 'utf8'),
  ]);
  return { certFile, keyFile, cert, key, caFile: certFile };
}
