import type { KeyRing } from '../auth/key-ring.js';
import type { ServiceDeps } from '../services/deps.js';

/** Rate limits per minute, per key (client id, or source address for anonymous callers). */
export interface ApiLimits {
  /** Requests of one API client. */
  readonly clientRequestsPerMinute: number;
  /** First-boot lookups from one source address. */
  readonly deviceLookupsPerMinute: number;
  /** Token requests from one source address (each costs a slow hash). */
  readonly tokenRequestsPerMinute: number;
  /** Portal requests of one signed-in user. */
  readonly portalRequestsPerMinute: number;
  /** Portal sign-in and setup attempts from one source address (each costs a slow hash). */
  readonly signInsPerMinute: number;
}

/** What every API route plugin receives. */
export interface ApiContext {
  readonly deps: ServiceDeps;
  readonly keyRing: KeyRing;
  readonly limits: ApiLimits;
  readonly tokenLifetimeSeconds: number;
}
