import path from 'node:path';

/** Where the data lives. SQLite (a file under the data folder) unless a PostgreSQL URL is given. */
export type DatabaseConfig =
  | { readonly kind: 'sqlite'; readonly file: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string | undefined };

/** The whole configuration, read once from the environment, validated and frozen. */
export interface Config {
  readonly dataDir: string;
  readonly db: DatabaseConfig;
  readonly http: {
    readonly host: string;
    readonly port: number;
    /** The base URL people reach the service at; invitation links are built from it. */
    readonly publicUrl: string;
    /**
     * Rate limits per minute (API client, first-boot source address, token source address,
     * portal user, sign-in source address).
     */
    readonly limits: {
      readonly clientRequestsPerMinute: number;
      readonly deviceLookupsPerMinute: number;
      readonly tokenRequestsPerMinute: number;
      readonly portalRequestsPerMinute: number;
      readonly signInsPerMinute: number;
    };
    /** Lifetime of issued access tokens. */
    readonly tokenLifetimeSeconds: number;
    /** PEM certificate and private key files (absolute paths): serve HTTPS instead of HTTP. */
    readonly tls?: TlsFiles;
  };
  readonly log: { readonly level: LogLevel };
  readonly invitations: { readonly ttlDays: number };
}

/** Where the PEM certificate (chain) and its private key are; read when the server starts. */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/** One or more environment variables are invalid; `problems` names each of them. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the configuration from environment variables (the only place that does):
 *
 * - `PREFLIGHT_DATA_DIR` — folder for the SQLite file; default `./data` (relative to `cwd`).
 * - `DATABASE_URL` — `postgres://…` or `postgresql://…` to use PostgreSQL instead of SQLite;
 *   `sqlite:PATH` names another SQLite file.
 * - `PORT` — HTTP port, default 8080. `HOST` — interface, default `0.0.0.0`.
 * - `PREFLIGHT_TLS_CERT` and `PREFLIGHT_TLS_KEY` — PEM certificate and key files (relative to
 *   `cwd`) to serve HTTPS; both or neither.
 * - `PREFLIGHT_PUBLIC_URL` — base URL for links; default `http://localhost:PORT`, or
 *   `https://localhost:PORT` with TLS.
 * - `LOG_LEVEL` — fatal, error, warn, info (default), debug, trace or silent.
 * - `PREFLIGHT_INVITATION_TTL_DAYS` — lifetime of invitation links, default 14.
 * - `PREFLIGHT_RATE_CLIENT_PER_MINUTE` (6000), `PREFLIGHT_RATE_FIRST_BOOT_PER_MINUTE` (600),
 *   `PREFLIGHT_RATE_TOKEN_PER_MINUTE` (120) — rate limits per API client / source address;
 *   `PREFLIGHT_RATE_PORTAL_PER_MINUTE` (1200) per portal user and
 *   `PREFLIGHT_RATE_SIGN_IN_PER_MINUTE` (30) sign-in attempts per source address.
 * - `PREFLIGHT_TOKEN_LIFETIME_SECONDS` — access token lifetime, default 3600.
 *
 * Every invalid variable is listed in one `ConfigError`.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, cwd: string): Config {
  const problems: string[] = [];
  const dataDir = path.resolve(cwd, env.PREFLIGHT_DATA_DIR?.trim() || 'data');

  const port = integer(env.PORT, 8080, 'PORT', 0, 65535, problems);
  const ttlDays = integer(
    env.PREFLIGHT_INVITATION_TTL_DAYS,
    14,
    'PREFLIGHT_INVITATION_TTL_DAYS',
    1,
    365,
    problems,
  );

  const limits = {
    clientRequestsPerMinute: integer(
      env.PREFLIGHT_RATE_CLIENT_PER_MINUTE,
      6000,
      'PREFLIGHT_RATE_CLIENT_PER_MINUTE',
      1,
      100_000_000,
      problems,
    ),
    deviceLookupsPerMinute: integer(
      env.PREFLIGHT_RATE_FIRST_BOOT_PER_MINUTE,
      600,
      'PREFLIGHT_RATE_FIRST_BOOT_PER_MINUTE',
      1,
      100_000_000,
      problems,
    ),
    tokenRequestsPerMinute: integer(
      env.PREFLIGHT_RATE_TOKEN_PER_MINUTE,
      120,
      'PREFLIGHT_RATE_TOKEN_PER_MINUTE',
      1,
      100_000_000,
      problems,
    ),
    portalRequestsPerMinute: integer(
      env.PREFLIGHT_RATE_PORTAL_PER_MINUTE,
      1200,
      'PREFLIGHT_RATE_PORTAL_PER_MINUTE',
      1,
      100_000_000,
      problems,
    ),
    signInsPerMinute: integer(
      env.PREFLIGHT_RATE_SIGN_IN_PER_MINUTE,
      30,
      'PREFLIGHT_RATE_SIGN_IN_PER_MINUTE',
      1,
      100_000_000,
      problems,
    ),
  };
  const tokenLifetimeSeconds = integer(
    env.PREFLIGHT_TOKEN_LIFETIME_SECONDS,
    3600,
    'PREFLIGHT_TOKEN_LIFETIME_SECONDS',
    60,
    86_400,
    problems,
  );

  const level = (env.LOG_LEVEL?.trim().toLowerCase() || 'info') as LogLevel;
  if (!logLevels.includes(level)) {
    problems.push(
      `LOG_LEVEL="${env.LOG_LEVEL}" is not a level; use one of ${logLevels.join(', ')}.`,
    );
  }

  const db = databaseConfig(env.DATABASE_URL, dataDir, cwd, problems);

  const tls = tlsFiles(env.PREFLIGHT_TLS_CERT, env.PREFLIGHT_TLS_KEY, cwd, problems);

  const scheme = tls ? 'https' : 'http';
  const publicUrl = (env.PREFLIGHT_PUBLIC_URL?.trim() || `${scheme}://localhost:${port}`).replace(
    /\/+$/,
    '',
  );
  if (!isHttpUrl(publicUrl)) {
    problems.push(`PREFLIGHT_PUBLIC_URL="${env.PREFLIGHT_PUBLIC_URL}" is not an http(s) URL.`);
  }

  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return deepFreeze({
    dataDir,
    db,
    http: {
      host: env.HOST?.trim() || '0.0.0.0',
      port,
      publicUrl,
      limits,
      tokenLifetimeSeconds,
      ...(tls ? { tls } : {}),
    },
    log: { level },
    invitations: { ttlDays },
  });
}

function databaseConfig(
  raw: string | undefined,
  dataDir: string,
  cwd: string,
  problems: string[],
): DatabaseConfig {
  const value = raw?.trim();
  if (!value) {
    return { kind: 'sqlite', file: path.join(dataDir, 'preflight.sqlite') };
  }
  if (value.startsWith('sqlite:')) {
    const file = value.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!file) {
      problems.push('DATABASE_URL="sqlite:" names no file; use sqlite:/path/to/file.sqlite.');
    }
    return { kind: 'sqlite', file: path.resolve(cwd, file) };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push('DATABASE_URL is not a URL; use postgres://USER@HOST:PORT/DATABASE.');
    return { kind: 'sqlite', file: '' };
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    problems.push(
      `DATABASE_URL uses "${url.protocol}"; Preflight speaks postgres:// (or sqlite:PATH).`,
    );
  } else if (!url.hostname && !url.searchParams.get('host')) {
    problems.push('DATABASE_URL has no host; use postgres://USER@HOST:PORT/DATABASE.');
  } else if (url.pathname.replace(/^\//, '') === '') {
    problems.push('DATABASE_URL names no database; add /DATABASE at the end.');
  }
  return { kind: 'postgres', url: value };
}

function tlsFiles(
  rawCert: string | undefined,
  rawKey: string | undefined,
  cwd: string,
  problems: string[],
): TlsFiles | undefined {
  const cert = rawCert?.trim();
  const key = rawKey?.trim();
  if (!cert && !key) {
    return undefined;
  }
  if (!cert || !key) {
    const missing = cert ? 'PREFLIGHT_TLS_KEY' : 'PREFLIGHT_TLS_CERT';
    problems.push(
      `PREFLIGHT_TLS_CERT and PREFLIGHT_TLS_KEY go together, but ${missing} is not set; set both to serve HTTPS, or neither for HTTP.`,
    );
    return undefined;
  }
  return { certFile: path.resolve(cwd, cert), keyFile: path.resolve(cwd, key) };
}

function integer(
  raw: string | undefined,
  fallback: number,
  name: string,
  min: number,
  max: number,
  problems: string[],
): number {
  if (raw === undefined || raw.trim() === '') {
    return fallback;
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${name}="${raw}" must be a whole number from ${min} to ${max}.`);
    return fallback;
  }
  return n;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) {
      deepFreeze(inner);
    }
    Object.freeze(value);
  }
  return value;
}
