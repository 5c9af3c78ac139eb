import type { PortalProbe } from './portal-matrix.table.js';

/** Probes for the customer portal routes (customer.routes.ts). */
export function customerPortalProbes(): Record<string, PortalProbe> {
  return {};
}
