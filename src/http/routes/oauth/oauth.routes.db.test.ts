import { decodeJwt, decodeProtectedHeader } from 'jose';
import { expect, it } from 'vitest';
import { readRole, writeRole } from '../../../auth/app-roles.js';
import { revokeRelationship } from '../../../services/relationships.js';
import { apiClient, apiWorld, buildTestApi, tokenFor } from '../../../../test/kit/api.js';
import { forEachDialect } from '../../../../test/kit/databases.js';

function form(fields: Record<string, string>) {
  return {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  };
}

forEachDialect('oauth token endpoint', (database) => {
  it('issues a signed, expiring token for a consented customer tenant, verifiable with the JWKS', async () => {
    const { app, deps } = await buildTestApi(database());
    const world = await apiWorld(deps);
    const response = await app.inject({
      method: 'POST',
      url: `/${world.customer.id}/oauth2/v2.0/token`,
      ...form({
        grant_type: 'client_credentials',
        client_id: world.partnerClient.clientId,
        client_secret: world.partnerClient.secret,
        scope: 'https://graph.microsoft.com/.default',
      }),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      tenant_id: world.customer.id,
    });
    const claims = decodeJwt(body.access_token);
    expect(claims).toMatchObject({
      tid: world.customer.id,
      appid: world.partnerClient.clientId,
      aud: 'https://graph.microsoft.com',
      iss: `https://preflight.test/${world.customer.id}/v2.0`,
    });
    expect(claims.roles).toEqual(expect.arrayContaining([readRole, writeRole]));
    expect(claims.exp! - claims.iat!).toBe(3600);
    const { kid, alg } = decodeProtectedHeader(body.access_token);
    const jwks = (await app.inject(`/${world.customer.id}/discovery/v2.0/keys`)).json();
    expect(alg).toBe('ES256');
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toContain(kid);
    expect(JSON.stringify(jwks)).not.toContain('"d"');
  });

  it('accepts the tenant by domain and the client-own tenant by "organizations" or no tenant', async () => {
    const { app, deps } = await buildTestApi(database());
    const world = await apiWorld(deps);
    const byDomain = await tokenFor(app, world.otherCustomerClient, 'northwind.example');
    expect(decodeJwt(byDomain).tid).toBe(world.otherCustomer.id);
    expect(decodeJwt(await tokenFor(app, world.partnerClient, 'organizations')).tid).toBe(
      world.partner.id,
    );
    expect(decodeJwt(await tokenFor(app, world.partnerClient)).tid).toBe(world.partner.id);
  });

  it('narrows roles to what the client and the consent allow', async () => {
    const { app, deps } = await buildTestApi(database());
    const world = await apiWorld(deps);
    const reader = decodeJwt(await tokenFor(app, world.partnerReader, world.customer.id));
    expect(reader.roles).toEqual([readRole]);
    const named = decodeJwt(await tokenFor(app, world.partnerClient, world.customer.id, readRole));
    expect(named.roles).toEqual([readRole]);
    const refused = await app.inject({
      method: 'POST',
      url: `/${world.customer.id}/oauth2/v2.0/token`,
      ...form({
        grant_type: 'client_credentials',
        client_id: world.partnerReader.clientId,
        client_secret: world.partnerReader.secret,
        scope: writeRole,
      }),
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({
      error: 'invalid_scope',
      preflight_code: 'auth.invalid_scope',
    });
  });

  it('refuses wrong secrets, unknown clients, bad grants and scopes, in OAuth2 error form', async () => {
    const { app, deps } = await buildTestApi(database());
    const world = await apiWorld(deps);
    const ask = (fields: Record<string, string>, tenant = world.customer.id) =>
      app.inject({ method: 'POST', url: `/${tenant}/oauth2/v2.0/token`, ...form(fields) });
    const good = {
      grant_type: 'client_credentials',
      client_id: world.partnerClient.clientId,
      client_secret: world.partnerClient.secret,
      scope: 'https://graph.microsoft.com/.default',
    };
    const wrongSecret = await ask({ ...good, client_secret: 'nope' });
    expect(wrongSecret.statusCode).toBe(401);
    expect(wrongSecret.json().error).toBe('invalid_client');
    const unknown = await ask({ ...good, client_id: '00000000-0000-0000-0000-000000000000' });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error_description).toBe(wrongSecret.json().error_description);
    const password = await ask({ ...good, grant_type: 'password' });
    expect(password.statusCode).toBe(400);
    expect(password.json().error).toBe('invalid_request');
    expect(password.json().error_description).toContain('password');
    const missing = await ask({ grant_type: 'client_credentials' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error_description).toContain('client_id');
    const badScope = await ask({ ...good, scope: 'https://evil.example/.default' });
    expect(badScope.statusCode).toBe(400);
    expect(badScope.json().error).toBe('invalid_scope');
  });

  it('refuses a token for a tenant without consent, unknown tenants alike, and after revocation', async () => {
    const { app, deps } = await buildTestApi(database());
    const world = await apiWorld(deps);
    const ask = (tenant: string) =>
      app.inject({
        method: 'POST',
        url: `/${tenant}/oauth2/v2.0/token`,
        ...form({
          grant_type: 'client_credentials',
          client_id: world.partnerClient.clientId,
          client_secret: world.partnerClient.secret,
          scope: 'https://graph.microsoft.com/.default',
        }),
      });
    const stranger = await ask(world.otherCustomer.id);
    const unknown = await ask('11111111-1111-1111-1111-111111111111');
    expect(stranger.statusCode).toBe(403);
    expect(stranger.json().error).toBe('unauthorized_client');
    expect(unknown.statusCode).toBe(403);
    // A customer cannot ask for another customer's tenant either.
    const customerToken = await app.inject({
      method: 'POST',
      url: `/${world.otherCustomer.id}/oauth2/v2.0/token`,
      ...form({
        grant_type: 'client_credentials',
        client_id: world.customerClient.clientId,
        client_secret: world.customerClient.secret,
        scope: 'https://graph.microsoft.com/.default',
      }),
    });
    expect(customerToken.statusCode).toBe(403);

    await revokeRelationship(deps, world.customerAdmin, world.relationship.id);
    expect((await ask(world.customer.id)).statusCode).toBe(403);
  });

  it('limits token requests per source address with 429 and Retry-After', async () => {
    const { app, deps } = await buildTestApi(database(), { limits: { tokenRequestsPerMinute: 2 } });
    const client = await apiClient(deps, (await apiWorld(deps)).partner);
    const ask = () =>
      app.inject({
        method: 'POST',
        url: '/oauth2/v2.0/token',
        ...form({
          grant_type: 'client_credentials',
          client_id: client.clientId,
          client_secret: client.secret,
          scope: 'https://graph.microsoft.com/.default',
        }),
      });
    expect((await ask()).statusCode).toBe(200);
    expect((await ask()).statusCode).toBe(200);
    const third = await ask();
    expect(third.statusCode).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    expect(third.json().error_description).toMatch(/Too many requests/);
  });

  it('publishes an OpenID discovery document pointing at the token endpoint and keys', async () => {
    const { app } = await buildTestApi(database());
    const doc = (await app.inject('/organizations/v2.0/.well-known/openid-configuration')).json();
    expect(doc.token_endpoint).toBe('https://preflight.test/organizations/oauth2/v2.0/token');
    expect(doc.jwks_uri).toBe('https://preflight.test/organizations/discovery/v2.0/keys');
  });
});
