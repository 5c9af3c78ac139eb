import { fixedClock } from '../../src/platform/clock.js';
import type { ServiceDeps } from '../../src/services/deps.js';
import { createOrganisation } from '../../src/services/organisations.js';
import { createUser, actorForUser } from '../../src/services/users.js';
import { operator, type Actor } from '../../src/domain/actor.js';
import type { Database } from '../../src/store/database.js';
import { createStore } from '../../src/store/store.js';
import type { Organisation } from '../../src/domain/organisation.js';

/** Service dependencies over a test database, with a clock that only moves when told. */
export function buildDeps(database: Database, start = '2026-01-15T09:00:00.000Z') {
  const clock = fixedClock(start);
  const deps: ServiceDeps = {
    store: createStore(database),
    clock,
    settings: { publicUrl: 'https://preflight.test', invitationTtlDays: 14 },
  };
  return { deps, clock };
}

/** A partner, a customer, and an admin for each, ready for relationship tests. */
export async function buildTenants(deps: ServiceDeps) {
  const partner = await createOrganisation(deps, operator, {
    kind: 'partner',
    displayName: 'Fabrikam Resellers',
    domain: 'fabrikam.example',
  });
  const customer = await createOrganisation(deps, operator, {
    kind: 'customer',
    displayName: 'Contoso',
    domain: 'contoso.example',
  });
  const partnerAdmin = await userActor(deps, partner, 'admin@fabrikam.example', 'admin');
  const customerAdmin = await userActor(deps, customer, 'admin@contoso.example', 'admin');
  return { partner, customer, partnerAdmin, customerAdmin };
}

/** Creates a user with `role` in `org` and returns the actor acting for it. */
export async function userActor(
  deps: ServiceDeps,
  org: Organisation,
  email: string,
  role: string,
): Promise<Actor> {
  await createUser(deps, operator, { org: org.id, email, role });
  return actorForUser(deps, email, [org.id]);
}
