import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * Where Vite puts the built web app: `dist/portal` of the package, found by walking up from
 * this file to `package.json`, so it is the same folder whether the server runs from the
 * sources (tests) or from `dist/`.
 */
export function defaultPortalWebRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error('cannot find the package folder (package.json) above the server code');
    }
    dir = parent;
  }
  return path.join(dir, 'dist', 'portal');
}

/**
 * Portal pages allow only their own scripts, styles, images and API. Fluent UI writes its
 * styles into <style> elements at run time, hence 'unsafe-inline' for styles (not scripts).
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(reply: FastifyReply): void {
  void reply.headers({
    'content-security-policy': contentSecurityPolicy,
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    // Invitation links carry their token in the path; no page may pass it on as Referer.
    'referrer-policy': 'no-referrer',
  });
}

/**
 * The web app under /portal/: hashed assets cached for a year, index.html never cached
 * (so a new release is picked up at once), and index.html for every other path, where the
 * app's own router takes over. `/` leads to the portal. Unknown /portal/api/ paths stay
 * JSON 404s. Without a build, /portal/ says how to make one instead of failing.
 */
export function portalWebRoutes(root: string) {
  const access = { kind: 'public' } as const;
  const config = { access, wire: 'preflight' as const };
  const hide = { hide: true };
  return async (app: FastifyInstance): Promise<void> => {
    // Registered inside this plugin, so `reply.sendFile` exists only for these routes.
    await app.register(fastifyStatic, { root, serve: false });

    const sendIndex = (reply: FastifyReply) => {
      securityHeaders(reply);
      if (!existsSync(path.join(root, 'index.html'))) {
        return reply
          .status(503)
          .header('cache-control', 'no-store')
          .type('text/plain; charset=utf-8')
          .send(
            'The portal web app is not built. Run "npm run build:web" (or "npm run build") in the Preflight folder, then reload this page.\n',
          );
      }
      return reply.header('cache-control', 'no-store').sendFile('index.html', {
        cacheControl: false,
      });
    };

    app.get('/', { config, schema: hide }, async (_request, reply) => reply.redirect('/portal/'));
    app.get('/portal', { config, schema: hide }, async (_request, reply) =>
      reply.redirect('/portal/'),
    );
    app.get('/portal/', { config, schema: hide }, async (_request, reply) => sendIndex(reply));

    app.get<{ Params: { '*': string } }>(
      '/portal/assets/*',
      { config, schema: hide },
      async (request, reply) => {
        securityHeaders(reply);
        // File names carry a content hash: a changed file is a new name.
        return reply.sendFile(path.posix.join('assets', request.params['*']), {
          maxAge: '365d',
          immutable: true,
        });
      },
    );

    app.get<{ Params: { '*': string } }>(
      '/portal/*',
      { config, schema: hide },
      async (request, reply) => {
        const rest = request.params['*'];
        if (rest === 'api' || rest.startsWith('api/')) {
          return reply.callNotFound();
        }
        // A file at the top of the build (favicon, robots.txt) is sent as it is.
        const file = path.resolve(root, rest);
        if (
          rest !== '' &&
          file.startsWith(root + path.sep) &&
          existsSync(file) &&
          statSync(file).isFile()
        ) {
          securityHeaders(reply);
          return reply.sendFile(path.relative(root, file), { maxAge: '1h', immutable: false });
        }
        return sendIndex(reply);
      },
    );
  };
}
