import type { Kysely } from 'kysely';
import { AuditRepo } from './audit.repo.js';
import type { Database } from './database.js';
import { OrganisationRepo } from './organisation.repo.js';
import { RelationshipRepo } from './relationship.repo.js';
import type { Schema } from './schema.js';
import { UserRepo } from './user.repo.js';

/** Every repository, bound to one connection or one transaction. */
export interface Repos {
  readonly organisations: OrganisationRepo;
  readonly users: UserRepo;
  readonly relationships: RelationshipRepo;
  readonly audit: AuditRepo;
}

function bindRepos(db: Kysely<Schema>): Repos {
  return {
    organisations: new OrganisationRepo(db),
    users: new UserRepo(db),
    relationships: new RelationshipRepo(db),
    audit: new AuditRepo(db),
  };
}

/** The services' view of persistence: repositories, and a way to group writes atomically. */
export interface Store {
  readonly repos: Repos;
  readonly database: Database;
  /** Runs `work` in one transaction: all its writes land, or none do. */
  transaction<T>(work: (repos: Repos) => Promise<T>): Promise<T>;
}

/** Wraps an open database as a store. */
export function createStore(database: Database): Store {
  return {
    database,
    repos: bindRepos(database.db),
    transaction: (work) => database.db.transaction().execute((trx) => work(bindRepos(trx))),
  };
}
