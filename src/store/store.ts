import type { Kysely } from 'kysely';
import { AuditRepo } from './audit.repo.js';
import { BatchRepo } from './batch.repo.js';
import { DashboardRepo } from './dashboard.repo.js';
import { PortalViewRepo } from './portal-view.repo.js';
import type { Database } from './database.js';
import { DevicePinRepo } from './device-pin.repo.js';
import { DeviceRepo } from './device.repo.js';
import type { DialectInfo } from './dialects/dialect.js';
import { ImportedIdentityRepo } from './imported-identity.repo.js';
import { OrganisationRepo } from './organisation.repo.js';
import { ProfileRepo } from './profile.repo.js';
import { RelationshipRepo } from './relationship.repo.js';
import { SessionRepo } from './session.repo.js';
import { SigningKeyRepo } from './signing-key.repo.js';
import type { Schema } from './schema.js';
import { UserRepo } from './user.repo.js';

/** Every repository, bound to one connection or one transaction. */
export interface Repos {
  readonly organisations: OrganisationRepo;
  readonly users: UserRepo;
  readonly relationships: RelationshipRepo;
  readonly audit: AuditRepo;
  readonly profiles: ProfileRepo;
  readonly batches: BatchRepo;
  readonly devices: DeviceRepo;
  readonly signingKeys: SigningKeyRepo;
  readonly importedIdentities: ImportedIdentityRepo;
  readonly devicePins: DevicePinRepo;
  readonly dashboard: DashboardRepo;
  readonly portalViews: PortalViewRepo;
  readonly sessions: SessionRepo;
}

function bindRepos(db: Kysely<Schema>, dialect: DialectInfo): Repos {
  return {
    organisations: new OrganisationRepo(db),
    users: new UserRepo(db),
    relationships: new RelationshipRepo(db),
    audit: new AuditRepo(db),
    profiles: new ProfileRepo(db),
    batches: new BatchRepo(db, dialect),
    devices: new DeviceRepo(db, dialect),
    signingKeys: new SigningKeyRepo(db),
    importedIdentities: new ImportedIdentityRepo(db, dialect),
    devicePins: new DevicePinRepo(db),
    dashboard: new DashboardRepo(db),
    portalViews: new PortalViewRepo(db),
    sessions: new SessionRepo(db),
  };
}

/** The services' view of persistence: repositories, and a way to group writes atomically. */
export interface Store {
  readonly repos: Repos;
  readonly database: Database;
  /** Runs `work` in one transaction: all its writes land, or none do. */
  transaction<T>(work: (repos: Repos) => Promise<T>): Promise<T>;
  /**
   * Runs `work` in one transaction and rolls it back, returning what `work` returned:
   * the real code path with nothing kept (dry runs).
   */
  rolledBack<T>(work: (repos: Repos) => Promise<T>): Promise<T>;
}

/** Carries a dry run's value out of the transaction it aborts. */
class Rollback<T> extends Error {
  constructor(readonly value: T) {
    super('rolled back on purpose');
  }
}

/** Wraps an open database as a store. */
export function createStore(database: Database): Store {
  return {
    database,
    repos: bindRepos(database.db, database.info),
    transaction: (work) =>
      database.db.transaction().execute((trx) => work(bindRepos(trx, database.info))),
    rolledBack: async <T>(work: (repos: Repos) => Promise<T>) => {
      try {
        await database.db.transaction().execute(async (trx) => {
          throw new Rollback(await work(bindRepos(trx, database.info)));
        });
      } catch (error) {
        if (error instanceof Rollback) {
          return error.value as T;
        }
        throw error;
      }
      throw new Error('unreachable: the dry-run transaction always aborts');
    },
  };
}
