import type { PortalProbe } from './portal-matrix.table.js';

/** Probes for the session and operator portal routes. */
export function sessionPortalProbes(): Record<string, PortalProbe> {
  return {
    'GET /portal/api/session': {
      request: () => ({ url: '/portal/api/session' }),
      allowed: 'customerReader',
      ok: 200,
    },
    'POST /portal/api/sign-out': {
      request: () => ({ url: '/portal/api/sign-out' }),
      allowed: 'partnerReader',
      fresh: true,
      ok: 204,
    },
    'POST /portal/api/session/organisation': {
      request: (f) => ({
        url: '/portal/api/session/organisation',
        payload: { orgId: f.world.partner.id },
      }),
      allowed: 'partnerAgent',
      ok: 200,
    },
    // A wrong current password: past the access checks, and nobody's password changes.
    'POST /portal/api/password': {
      request: () => ({
        url: '/portal/api/password',
        payload: { currentPassword: 'not the password', newPassword: 'a long enough passphrase' },
      }),
      allowed: 'oemAdmin',
      ok: 400,
    },
    'GET /portal/api/organisations': {
      request: () => ({ url: '/portal/api/organisations' }),
      allowed: 'operator',
      ok: 200,
    },
    'POST /portal/api/organisations': {
      request: () => ({
        url: '/portal/api/organisations',
        payload: { kind: 'partner', displayName: 'Matrix Partner' },
      }),
      allowed: 'operator',
      ok: 201,
    },
    'POST /portal/api/organisations/:orgId/users': {
      request: (f) => ({
        url: `/portal/api/organisations/${f.world.otherCustomer.id}/users`,
        payload: { email: 'matrix@northwind.example', role: 'reader' },
      }),
      allowed: 'operator',
      ok: 201,
    },
  };
}
