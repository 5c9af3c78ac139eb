import SwaggerParser from '@apidevtools/swagger-parser';
import { expect, it } from 'vitest';
import { buildTestApi } from '../kit/api.js';
import { forEachDialect } from '../kit/databases.js';

/** Fastify's `/a/:id` as OpenAPI's `/a/{id}`. */
const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

forEachDialect('OpenAPI document', (database) => {
  it('is a valid OpenAPI 3 document that covers every declared route with a schema', async () => {
    const { app } = await buildTestApi(database());
    const response = await app.inject('/openapi.json');
    expect(response.statusCode).toBe(200);
    const document = response.json();
    // Throws, naming the problem, when the document does not validate.
    await SwaggerParser.validate(structuredClone(document));

    const documented = new Set(
      Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
        ([path, operations]) => Object.keys(operations).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    // The portal's web pages (/, /portal/…) are not API; /portal/api/… is.
    const webPage = (url: string) =>
      url === '/' || (/^\/portal(\/|$)/.test(url) && !url.startsWith('/portal/api/'));
    const own = app.declaredRoutes.filter(
      (r) => !r.url.startsWith('/docs') && r.url !== '/openapi.json' && !webPage(r.url),
    );
    const missing = own
      .map((r) => `${r.method} ${openApiPath(r.url)}`)
      .filter((k) => !documented.has(k));
    expect(missing).toEqual([]);

    // Every operation says what it does, and client routes declare the bearer scheme.
    const undescribed: string[] = [];
    for (const [path, operations] of Object.entries(
      document.paths as Record<string, Record<string, { summary?: string; security?: unknown }>>,
    )) {
      for (const [method, operation] of Object.entries(operations)) {
        if (!operation.summary) {
          undescribed.push(`${method.toUpperCase()} ${path}`);
        }
      }
    }
    expect(undescribed).toEqual([]);
    const unsecured = own
      .filter((r) => r.access.kind === 'client')
      .map((r) => ({
        key: `${r.method} ${openApiPath(r.url)}`,
        op: document.paths[openApiPath(r.url)][r.method.toLowerCase()],
      }))
      .filter(({ op }) => JSON.stringify(op.security) !== JSON.stringify([{ bearer: [] }]))
      .map(({ key }) => key);
    expect(unsecured).toEqual([]);
  });

  it('serves interactive documentation at /docs', async () => {
    const { app } = await buildTestApi(database());
    const page = await app.inject('/docs');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger-ui');
  });
});
