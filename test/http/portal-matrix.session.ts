import type { PortalProbe } from './portal-matrix.table.js';

/** Probes for the session and operator portal routes. */
export function sessionPortalProbes(): Record<string, PortalProbe> {
  return {};
}
