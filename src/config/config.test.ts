import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe(loadConfig.name, () => {
  it('defaults to a SQLite file under ./data and port 8080', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config.db).toEqual({
      kind: 'sqlite',
      file: path.join('/srv/app/data', 'preflight.sqlite'),
    });
    expect(config.http.port).toBe(8080);
    expect(config.http.publicUrl).toBe('http://localhost:8080');
    expect(Object.isFrozen(config.http)).toBe(true);
  });

  it('uses PostgreSQL for a postgres:// DATABASE_URL and honours PREFLIGHT_DATA_DIR', () => {
    const config = loadConfig(
      { DATABASE_URL: 'postgres://u@db.example:5432/preflight', PREFLIGHT_DATA_DIR: 'var' },
      '/srv',
    );
    expect(config.db).toEqual({ kind: 'postgres', url: 'postgres://u@db.example:5432/preflight' });
    expect(config.dataDir).toBe('/srv/var');
  });

  it('reads the portal limits, and names a bad one', () => {
    const config = loadConfig(
      { PREFLIGHT_RATE_PORTAL_PER_MINUTE: '300', PREFLIGHT_RATE_SIGN_IN_PER_MINUTE: '5' },
      '/srv',
    );
    expect(config.http.limits.portalRequestsPerMinute).toBe(300);
    expect(config.http.limits.signInsPerMinute).toBe(5);
    expect(loadConfig({}, '/srv').http.limits.signInsPerMinute).toBe(30);
    expect(() => loadConfig({ PREFLIGHT_RATE_SIGN_IN_PER_MINUTE: '0' }, '/srv')).toThrow(
      /PREFLIGHT_RATE_SIGN_IN_PER_MINUTE/,
    );
  });

  it('lists every invalid variable at once', () => {
    let caught: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x/y', LOG_LEVEL: 'loud' }, '/srv');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT="eighty"/);
    expect(problems).toMatch(/mysql:/);
    expect(problems).toMatch(/LOG_LEVEL="loud"/);
  });

  it('refuses a DATABASE_URL that is not a URL or names no database', () => {
    expect(() => loadConfig({ DATABASE_URL: 'not a url' }, '/')).toThrow(
      /DATABASE_URL is not a URL/,
    );
    expect(() => loadConfig({ DATABASE_URL: 'postgres://localhost' }, '/')).toThrow(
      /names no database/,
    );
  });

  it('serves HTTPS with both PREFLIGHT_TLS_CERT and PREFLIGHT_TLS_KEY, paths resolved against cwd', () => {
    const config = loadConfig(
      {
        PREFLIGHT_TLS_CERT: 'tls/cert.pem',
        PREFLIGHT_TLS_KEY: '/etc/preflight/key.pem',
        PORT: '8443',
      },
      '/srv/app',
    );
    expect(config.http.tls).toEqual({
      certFile: path.resolve('/srv/app', 'tls/cert.pem'),
      keyFile: '/etc/preflight/key.pem',
    });
    expect(config.http.publicUrl).toBe('https://localhost:8443');
    expect(Object.isFrozen(config.http.tls)).toBe(true);
  });

  it('keeps an explicit PREFLIGHT_PUBLIC_URL with TLS, and has no TLS without the variables', () => {
    const config = loadConfig(
      {
        PREFLIGHT_TLS_CERT: 'cert.pem',
        PREFLIGHT_TLS_KEY: 'key.pem',
        PREFLIGHT_PUBLIC_URL: 'https://preflight.example/',
      },
      '/srv',
    );
    expect(config.http.publicUrl).toBe('https://preflight.example');
    expect(loadConfig({}, '/srv').http.tls).toBeUndefined();
    expect(loadConfig({ PREFLIGHT_TLS_CERT: ' ', PREFLIGHT_TLS_KEY: '' }, '/srv').http.tls).toBe(
      undefined,
    );
  });

  it('refuses only one of PREFLIGHT_TLS_CERT and PREFLIGHT_TLS_KEY, naming both, among other problems', () => {
    for (const env of [{ PREFLIGHT_TLS_CERT: 'cert.pem' }, { PREFLIGHT_TLS_KEY: 'key.pem' }]) {
      let caught: unknown;
      try {
        loadConfig({ ...env, PORT: 'eighty' }, '/srv');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      const problems = (caught as ConfigError).problems;
      expect(problems).toHaveLength(2);
      expect(problems.join('\n')).toMatch(/PORT="eighty"/);
      expect(problems.join('\n')).toMatch(/PREFLIGHT_TLS_CERT and PREFLIGHT_TLS_KEY go together/);
    }
  });
});
