import { existsSync } from 'node:fs';
import path from 'node:path';
import { defaultPortalWebRoot } from '../../src/http/routes/portal/web.routes.js';
import type { CallerName, MatrixFixture } from './auth-matrix.fixture.js';
import { graphProbes } from './auth-matrix.graph.js';
import { partnerCenterProbes } from './auth-matrix.partner-center.js';

/** A request a probe sends; the token is added per caller. */
export interface ProbeRequest {
  readonly url: string;
  readonly payload?: unknown;
  readonly headers?: Record<string, string>;
}

/** How to call one route, and who is meant to succeed. */
export interface Probe {
  /** Builds the request; called for every caller, so it must not consume anything. */
  readonly request: (f: MatrixFixture) => ProbeRequest;
  /** The caller that must succeed (default: partner for /v1, customer for Graph). */
  readonly allowed?: CallerName;
  /** The status the allowed caller gets. */
  readonly ok: number;
}

const json = { 'content-type': 'application/json' };
// The portal's pages answer 503 (with how to build) until the web app is built.
const portalPage = existsSync(path.join(defaultPortalWebRoot(), 'index.html')) ? 200 : 503;

/**
 * Every route of the app, by `METHOD url` exactly as declared. The matrix test fails for
 * a declared route without an entry here, and for an entry without a route.
 */
export const probes: Record<string, Probe> = {
  'GET /healthz': { request: () => ({ url: '/healthz' }), ok: 200 },
  'GET /readyz': { request: () => ({ url: '/readyz' }), ok: 200 },
  'GET /openapi.json': { request: () => ({ url: '/openapi.json' }), ok: 200 },
  'GET /docs': { request: () => ({ url: '/docs' }), ok: 200 },
  'GET /docs/static/index.html': { request: () => ({ url: '/docs/static/index.html' }), ok: 302 },
  'GET /docs/static/swagger-initializer.js': {
    request: () => ({ url: '/docs/static/swagger-initializer.js' }),
    ok: 200,
  },
  'GET /docs/json': { request: () => ({ url: '/docs/json' }), ok: 200 },
  'GET /docs/yaml': { request: () => ({ url: '/docs/yaml' }), ok: 200 },
  'GET /docs/static/*': { request: () => ({ url: '/docs/static/swagger-ui.css' }), ok: 200 },
  'POST /:tenant/oauth2/v2.0/token': {
    request: () => ({ url: '/organizations/oauth2/v2.0/token', payload: {}, headers: json }),
    ok: 400,
  },
  'POST /oauth2/v2.0/token': {
    request: () => ({ url: '/oauth2/v2.0/token', payload: {}, headers: json }),
    ok: 400,
  },
  'GET /discovery/v2.0/keys': { request: () => ({ url: '/discovery/v2.0/keys' }), ok: 200 },
  'GET /:tenant/discovery/v2.0/keys': {
    request: () => ({ url: '/common/discovery/v2.0/keys' }),
    ok: 200,
  },
  'GET /:tenant/v2.0/.well-known/openid-configuration': {
    request: () => ({ url: '/common/v2.0/.well-known/openid-configuration' }),
    ok: 200,
  },
  'POST /v1/deviceSubmissionValidations': {
    request: (f) => ({
      url: '/v1/deviceSubmissionValidations',
      payload: { tenants: [f.world.customer.id] },
    }),
    allowed: 'oem',
    ok: 200,
  },
  'POST /firstboot/v1/lookup': {
    request: () => ({
      url: '/firstboot/v1/lookup',
      payload: { manufacturer: 'LENOVO', model: 'X1', serialNumber: 'S1' },
    }),
    ok: 404,
  },
  'GET /preflight/v1/deploymentProfiles/:profileId/AutopilotConfigurationFile.json': {
    request: (f) => ({
      url: `/preflight/v1/deploymentProfiles/${f.builtInProfileId}/AutopilotConfigurationFile.json`,
    }),
    ok: 200,
  },
  'POST /portal/api/sign-in': {
    request: () => ({ url: '/portal/api/sign-in', payload: {}, headers: json }),
    ok: 400,
  },
  'GET /portal/api/setup': { request: () => ({ url: '/portal/api/setup' }), ok: 200 },
  'POST /portal/api/setup': {
    request: () => ({ url: '/portal/api/setup', payload: {}, headers: json }),
    ok: 400,
  },
  'GET /': { request: () => ({ url: '/' }), ok: 302 },
  'GET /portal': { request: () => ({ url: '/portal' }), ok: 302 },
  'GET /portal/': { request: () => ({ url: '/portal/' }), ok: portalPage },
  'GET /portal/*': { request: () => ({ url: '/portal/customers' }), ok: portalPage },
  'GET /portal/assets/*': {
    request: () => ({ url: '/portal/assets/no-such-file.js' }),
    ok: 404,
  },
  ...graphProbes(),
  ...partnerCenterProbes(),
};
