import type { PortalProbe } from './portal-matrix.table.js';

/** Probes for the partner and OEM portal routes (registrar.routes.ts). */
export function registrarPortalProbes(): Record<string, PortalProbe> {
  return {};
}
