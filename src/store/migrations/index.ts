import type { Migration, MigrationProvider } from 'kysely';
import * as tenancy from './0001-tenancy.js';
import * as registration from './0002-registration.js';
import * as api from './0003-api.js';
import * as portal from './0004-portal.js';
import * as hashCompression from './0005-hash-compression.js';

/**
 * The one migration set, run on SQLite and PostgreSQL alike. Listed in code (not read
 * from a folder) so it works the same from sources under test and from the built package.
 * Names sort in the order they must run.
 */
export const migrations: Record<string, Migration> = {
  '0001-tenancy': tenancy,
  '0002-registration': registration,
  '0003-api': api,
  '0004-portal': portal,
  '0005-hash-compression': hashCompression,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
