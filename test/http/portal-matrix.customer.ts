import type { PortalProbe } from './portal-matrix.table.js';

const api = '/portal/api';
const builtInProfile = encodeURIComponent('Microsoft Managed Desktop');
/** An id nothing has: routes whose subject `portalWorld` does not create answer 404 to their right caller. */
const nobody = '00000000-0000-4000-8000-000000000000';

/**
 * Probes for the customer portal routes (customer.routes.ts). `portalWorld` has no devices
 * and no open invitation, so those routes prove only that the right caller reaches the
 * service (404 for the unknown subject); customer.routes.db.test.ts covers their success.
 */
export function customerPortalProbes(): Record<string, PortalProbe> {
  return {
    'GET /portal/api/relationships': {
      request: () => ({ url: `${api}/relationships` }),
      allowed: 'partnerReader',
      ok: 200,
    },
    'POST /portal/api/relationships/:id/revoke': {
      // Ends Contoso's OEM relationship; the partner's stays for the other probes.
      request: (f) => ({ url: `${api}/relationships/${f.world.relationships.oem.id}/revoke` }),
      allowed: 'customerAdmin',
      ok: 200,
      denied: ['otherCustomerAdmin', 'strangerPartnerAdmin'],
    },
    'GET /portal/api/invitations/:token': {
      request: () => ({ url: `${api}/invitations/${'0'.repeat(64)}` }),
      allowed: 'customerReader',
      ok: 404,
    },
    'POST /portal/api/invitations/:token/accept': {
      request: () => ({ url: `${api}/invitations/${'0'.repeat(64)}/accept` }),
      allowed: 'customerAdmin',
      ok: 404,
    },
    'GET /portal/api/devices': {
      request: () => ({ url: `${api}/devices?serial=SN&limit=10` }),
      allowed: 'customerReader',
      ok: 200,
    },
    'POST /portal/api/devices/:deviceId/deregister': {
      request: () => ({ url: `${api}/devices/${nobody}/deregister` }),
      allowed: 'customerAdmin',
      ok: 404,
    },
    'GET /portal/api/profiles': {
      request: () => ({ url: `${api}/profiles` }),
      allowed: 'customerReader',
      ok: 200,
    },
    'GET /portal/api/profiles/:profileId': {
      request: () => ({ url: `${api}/profiles/${builtInProfile}` }),
      allowed: 'customerReader',
      ok: 200,
    },
    'POST /portal/api/profiles': {
      request: () => ({ url: `${api}/profiles`, payload: { displayName: 'Matrix probe' } }),
      allowed: 'customerAdmin',
      ok: 201,
    },
    'GET /portal/api/tag-rules': {
      request: () => ({ url: `${api}/tag-rules` }),
      allowed: 'customerReader',
      ok: 200,
    },
    'POST /portal/api/tag-rules': {
      request: () => ({
        url: `${api}/tag-rules`,
        payload: { profileId: 'Microsoft Managed Desktop', groupTag: 'MatrixProbe' },
      }),
      allowed: 'customerAdmin',
      ok: 201,
    },
    'DELETE /portal/api/tag-rules/:ruleId': {
      request: () => ({ url: `${api}/tag-rules/${nobody}` }),
      allowed: 'customerAdmin',
      ok: 404,
    },
    'GET /portal/api/audit': {
      request: () => ({ url: `${api}/audit?limit=5` }),
      allowed: 'oemAdmin',
      ok: 200,
    },
    'GET /portal/api/dashboard': {
      request: () => ({ url: `${api}/dashboard` }),
      allowed: 'customerReader',
      ok: 200,
    },
  };
}
