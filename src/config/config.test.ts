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
});
