import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { issuerFor } from '../../../auth/access-token.js';
import { issueClientToken } from '../../../services/tokens.js';
import type { ApiContext } from '../../context.js';

const tokenBody = Type.Object(
  {
    grant_type: Type.Optional(Type.String({ maxLength: 100 })),
    client_id: Type.Optional(Type.String({ maxLength: 200 })),
    client_secret: Type.Optional(Type.String({ maxLength: 500 })),
    scope: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: true },
);

const tokenResponse = Type.Object({
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  ext_expires_in: Type.Integer(),
  access_token: Type.String(),
  tenant_id: Type.String(),
  roles: Type.Array(Type.String()),
});

const jwks = Type.Object({ keys: Type.Array(Type.Object({}, { additionalProperties: true })) });

/**
 * The token endpoint and signing keys, at Entra ID's paths so that OAuth2 libraries
 * configured with an authority URL find them: `POST /{tenant}/oauth2/v2.0/token`,
 * `GET /{tenant}/discovery/v2.0/keys`, and the OpenID discovery document.
 */
export function oauthRoutes(context: ApiContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const tokenRoute = {
      config: {
        access: { kind: 'public' } as const,
        wire: 'oauth' as const,
        rateLimit: { max: context.limits.tokenRequestsPerMinute, timeWindow: 60_000 },
      },
      schema: {
        summary: 'Get an access token (OAuth2 client credentials)',
        description:
          'Form-encoded (or JSON) grant_type=client_credentials, client_id, client_secret and scope ("https://graph.microsoft.com/.default"). The tenant in the path is the tenant the token acts on: your own (or "organizations"), or a customer with an active relationship.',
        tags: ['oauth'],
        body: tokenBody,
        response: { 200: tokenResponse },
      },
    };
    const issue = async (tenant: string | undefined, body: Record<string, string | undefined>) =>
      issueClientToken(
        context.deps,
        context.keyRing,
        {
          tenant,
          grantType: body.grant_type,
          clientId: body.client_id,
          clientSecret: body.client_secret,
          scope: body.scope,
        },
        { lifetimeSeconds: context.tokenLifetimeSeconds },
      );
    app.post<{ Params: { tenant: string }; Body: Record<string, string | undefined> }>(
      '/:tenant/oauth2/v2.0/token',
      tokenRoute,
      async (request, reply) => {
        void reply.header('cache-control', 'no-store');
        return issue(request.params.tenant, request.body ?? {});
      },
    );
    app.post<{ Body: Record<string, string | undefined> }>(
      '/oauth2/v2.0/token',
      tokenRoute,
      async (request, reply) => {
        void reply.header('cache-control', 'no-store');
        return issue(undefined, request.body ?? {});
      },
    );

    const keysRoute = {
      config: { access: { kind: 'public' } as const, wire: 'oauth' as const },
      schema: {
        summary: 'Public keys that verify access tokens (JWKS)',
        tags: ['oauth'],
        response: { 200: jwks },
      },
    };
    app.get('/discovery/v2.0/keys', keysRoute, async () => context.keyRing.jwks());
    app.get('/:tenant/discovery/v2.0/keys', keysRoute, async () => context.keyRing.jwks());

    app.get<{ Params: { tenant: string } }>(
      '/:tenant/v2.0/.well-known/openid-configuration',
      {
        config: { access: { kind: 'public' }, wire: 'oauth' },
        schema: {
          summary: 'OpenID discovery document',
          tags: ['oauth'],
          response: { 200: Type.Object({}, { additionalProperties: true }) },
        },
      },
      async (request) => {
        const base = context.deps.settings.publicUrl.replace(/\/+$/, '');
        const tenant = encodeURIComponent(request.params.tenant);
        return {
          issuer: issuerFor(base, tenant),
          token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
          jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
          grant_types_supported: ['client_credentials'],
          token_endpoint_auth_methods_supported: ['client_secret_post'],
          id_token_signing_alg_values_supported: ['ES256'],
        };
      },
    );
  };
}
