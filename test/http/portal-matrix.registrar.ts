import { intuneCsv, syntheticDevice } from '../kit/devices.js';
import type { PortalFixture } from './portal-matrix.fixture.js';
import type { PortalProbe } from './portal-matrix.table.js';

const api = '/portal/api';
/** An id nothing has: routes whose subject `portalWorld` does not create answer 404 to their right caller. */
const nobody = '00000000-0000-4000-8000-000000000000';
const csv = { 'content-type': 'text/csv' };
const file = intuneCsv([syntheticDevice(9301)]);

/**
 * Probes for the partner and OEM portal routes (registrar.routes.ts). Routes about one
 * customer name Contoso, which Fabrikam serves; Stranger Partner, related to no one, is
 * refused there (404, as for a customer that does not exist). `portalWorld` has no
 * batches, so the batch routes prove only that the right caller reaches the service;
 * registrar.routes.db.test.ts covers their success.
 */
export function registrarPortalProbes(): Record<string, PortalProbe> {
  const customer = (f: PortalFixture) => `${api}/customers/${f.world.customer.id}`;
  return {
    'GET /portal/api/customers': {
      request: () => ({ url: `${api}/customers?search=con&limit=10` }),
      allowed: 'partnerReader',
      ok: 200,
    },
    'GET /portal/api/customers/:customerId': {
      request: (f) => ({ url: customer(f) }),
      allowed: 'partnerReader',
      ok: 200,
      denied: ['strangerPartnerAdmin'],
    },
    'GET /portal/api/customers/:customerId/devices': {
      request: (f) => ({ url: `${customer(f)}/devices?serial=SN&limit=10` }),
      allowed: 'partnerReader',
      ok: 200,
      denied: ['strangerPartnerAdmin'],
    },
    'GET /portal/api/customers/:customerId/tags': {
      request: (f) => ({ url: `${customer(f)}/tags` }),
      allowed: 'partnerReader',
      ok: 200,
      denied: ['strangerPartnerAdmin'],
    },
    'GET /portal/api/customers/:customerId/tag-check': {
      request: (f) => ({ url: `${customer(f)}/tag-check?groupTag=Sales` }),
      allowed: 'partnerReader',
      ok: 200,
      denied: ['strangerPartnerAdmin'],
    },
    'POST /portal/api/customers/:customerId/preview': {
      request: (f) => ({ url: `${customer(f)}/preview`, payload: file, headers: csv }),
      allowed: 'partnerReader',
      ok: 200,
      denied: ['strangerPartnerAdmin'],
    },
    'POST /portal/api/customers/:customerId/batches': {
      request: (f) => ({ url: `${customer(f)}/batches`, payload: file, headers: csv }),
      allowed: 'partnerAgent',
      ok: 202,
      denied: ['strangerPartnerAdmin'],
    },
    'GET /portal/api/batches': {
      request: () => ({ url: `${api}/batches?limit=10` }),
      allowed: 'customerReader',
      ok: 200,
    },
    'GET /portal/api/batches/:batchId': {
      request: () => ({ url: `${api}/batches/${nobody}` }),
      allowed: 'partnerReader',
      ok: 404,
    },
    'GET /portal/api/batches/:batchId/rows': {
      request: () => ({ url: `${api}/batches/${nobody}/rows` }),
      allowed: 'customerReader',
      ok: 404,
    },
    'GET /portal/api/batches/:batchId/results.csv': {
      request: () => ({ url: `${api}/batches/${nobody}/results.csv` }),
      allowed: 'partnerReader',
      ok: 404,
    },
    'GET /portal/api/sample.csv': {
      request: () => ({ url: `${api}/sample.csv` }),
      allowed: 'customerReader',
      ok: 200,
    },
    'POST /portal/api/invitations': {
      request: () => ({ url: `${api}/invitations`, payload: { customer: 'northwind.example' } }),
      allowed: 'partnerAdmin',
      ok: 201,
    },
  };
}
