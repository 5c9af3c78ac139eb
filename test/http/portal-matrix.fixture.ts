import type { Database } from '../../src/store/database.js';
import { buildPortalApi, signInAs, type PortalPersona, type PortalSession } from '../kit/portal.js';

/** Who calls in a portal probe: a signed-in persona of `portalWorld`. */
export type PortalCaller = PortalPersona;

/**
 * One database with a `portalWorld` and a signed-in session for each of its people, for
 * the portal authorization matrix.
 */
export async function buildPortalMatrixFixture(database: Database) {
  const api = await buildPortalApi(database);
  const personas = Object.keys(api.world.users) as PortalPersona[];
  const sessions = {} as Record<PortalCaller, PortalSession>;
  for (const persona of personas) {
    sessions[persona] = await signInAs(api.app, api.world, persona);
  }
  return { ...api, sessions };
}

export type PortalFixture = Awaited<ReturnType<typeof buildPortalMatrixFixture>>;
