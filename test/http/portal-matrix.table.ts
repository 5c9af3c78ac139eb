import type { PortalCaller, PortalFixture } from './portal-matrix.fixture.js';
import { customerPortalProbes } from './portal-matrix.customer.js';
import { registrarPortalProbes } from './portal-matrix.registrar.js';
import { sessionPortalProbes } from './portal-matrix.session.js';

/** A request a portal probe sends; cookie and CSRF headers are added per caller. */
export interface PortalProbeRequest {
  /** Full path, e.g. `/portal/api/customers/<id>`. */
  readonly url: string;
  readonly payload?: unknown;
  readonly headers?: Record<string, string>;
}

/** How to call one `session` route, who succeeds, and who else must be refused. */
export interface PortalProbe {
  /** Builds the request; called for every caller, so it must not consume anything. */
  readonly request: (f: PortalFixture) => PortalProbeRequest;
  /** The caller that must succeed. */
  readonly allowed: PortalCaller;
  /** The status the allowed caller gets. */
  readonly ok: number;
  /**
   * Callers refused beyond those the route's `who` and `roles` imply (e.g. a registrar
   * without a relationship to the customer in the path: 403 or 404).
   */
  readonly denied?: readonly PortalCaller[];
  /**
   * The allowed caller signs in afresh for this probe, because the route ends or changes
   * the session it is called with (sign-out).
   */
  readonly fresh?: boolean;
}

/**
 * Every `session` route of the app, by `METHOD url` exactly as declared. The portal matrix
 * test fails for a declared session route without an entry here, and for an entry without
 * a route.
 */
export function portalProbes(): Record<string, PortalProbe> {
  return {
    ...sessionPortalProbes(),
    ...registrarPortalProbes(),
    ...customerPortalProbes(),
  };
}
