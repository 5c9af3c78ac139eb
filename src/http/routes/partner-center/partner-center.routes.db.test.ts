import { expect, it } from 'vitest';
import { buildTestApi } from '../../../../test/kit/api.js';
import { forEachDialect } from '../../../../test/kit/databases.js';

type Operation = { summary?: string; tags?: string[]; responses?: Record<string, unknown> };

forEachDialect('Partner Center API', (database) => {
  it('documents every /v1/customers route in /openapi.json, tagged partner-center, with its responses', async () => {
    const { app } = await buildTestApi(database());
    const declared = app.declaredRoutes
      .filter((r) => r.url.startsWith('/v1/customers'))
      .map((r) => `${r.method.toLowerCase()} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    expect(declared).toHaveLength(13);
    const doc = (await app.inject('/openapi.json')).json<{
      paths: Record<string, Record<string, Operation>>;
    }>();
    for (const route of declared) {
      const [method, path] = route.split(' ') as [string, string];
      const operation = doc.paths[path]?.[method];
      expect(operation, route).toBeDefined();
      expect(operation!.summary, route).toEqual(expect.any(String));
      expect(operation!.tags, route).toEqual(['partner-center']);
      expect(Object.keys(operation!.responses ?? {}), route).toEqual(
        expect.arrayContaining(['400', '403', '404']),
      );
    }
  });
});
