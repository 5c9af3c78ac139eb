/**
 * The OData conventions of our Graph-compatible endpoints: query options, `$select`,
 * `@odata.context`, and keyset paging with an opaque `$skiptoken` in `@odata.nextLink`.
 *
 * Query option names are read case-insensitively and with or without their `$`
 * (OData 4.01 §5.1 and Graph's beta both allow it; Microsoft's JavaScript client sends
 * `$skipToken`, Graph's own next links `$skiptoken`). Options we do not implement are
 * refused by name rather than ignored, so a client never gets silently different data.
 * @module
 */
import { Type } from '@sinclair/typebox';
import { PreflightError } from '../../domain/errors.js';
import type { GraphVersion } from './profile.wire.js';

export type { GraphVersion } from './profile.wire.js';

/** The versions served, each under its own path prefix. */
export const graphVersions: readonly GraphVersion[] = ['beta', 'v1.0'];

/** The OData system query options a route may accept. */
export type ODataOption = 'top' | 'skiptoken' | 'filter' | 'count' | 'select' | 'expand';

const knownOptions = new Set<string>([
  'top',
  'skiptoken',
  'filter',
  'count',
  'select',
  'expand',
  'orderby',
  'skip',
  'search',
  'format',
  'levels',
  'apply',
  'compute',
  'index',
  'schemaversion',
  'deltatoken',
]);

/** The OData options of a request, by lower-case name without `$`. */
export type ODataQuery = Partial<Record<ODataOption, string>>;

/**
 * The querystring schema listing `options` (for validation and `/openapi.json`); other
 * parameters pass through to `readODataQuery`, which refuses unsupported options.
 */
export function odataQuerySchema(options: readonly ODataOption[]) {
  const described: Record<ODataOption, string> = {
    top: 'Page size: 1 to 1000 (default 100).',
    skiptoken: 'Opaque cursor from @odata.nextLink; also read as $skipToken.',
    filter:
      "contains(field,'v'), startswith(field,'v') and field eq 'v', joined by and; fields serialNumber, groupTag, manufacturer, model.",
    count: 'true adds @odata.count (the total matching the filter).',
    select: 'Comma-separated property names to return.',
    expand: 'beta only: deploymentProfile, intendedDeploymentProfile.',
  };
  return Type.Object(
    Object.fromEntries(
      options.map((o) => [`$${o}`, Type.Optional(Type.String({ description: described[o] }))]),
    ),
    { additionalProperties: true },
  );
}

/**
 * Reads the OData options of a request: names folded to lower case without `$`, repeated
 * options refused, options outside `allowed` refused with what is supported.
 */
export function readODataQuery(query: unknown, allowed: readonly ODataOption[]): ODataQuery {
  const result: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [rawName, rawValue] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    const name = rawName.replace(/^\$/, '').toLowerCase();
    if (!knownOptions.has(name)) {
      // Not an OData option (a client's own parameter): Graph ignores those too.
      continue;
    }
    const spelled = `$${name}`;
    if (!(allowed as readonly string[]).includes(name)) {
      throw new PreflightError(
        'input.invalid',
        `The query option ${spelled} is not supported on this resource.`,
        { field: spelled },
        allowed.length
          ? `Leave ${spelled} out; supported here: ${allowed.map((o) => `$${o}`).join(', ')}.`
          : `Leave ${spelled} out.`,
      );
    }
    if (seen.has(name) || Array.isArray(rawValue)) {
      throw new PreflightError(
        'input.invalid',
        `The query option ${spelled} is given more than once.`,
        { field: spelled },
        `Give ${spelled} once.`,
      );
    }
    seen.add(name);
    result[name] = String(rawValue);
  }
  return result as ODataQuery;
}

/** Page-size bounds (Graph pages Autopilot collections at up to 1000 items). */
export const defaultPageSize = 100;
export const maxPageSize = 1000;

/** `$top` as a number between 1 and `maxPageSize`. */
export function readTop(text: string | undefined): number {
  if (text === undefined) {
    return defaultPageSize;
  }
  const n = /^\s*\d{1,7}\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > maxPageSize) {
    throw new PreflightError(
      'input.invalid',
      `$top must be a whole number from 1 to ${maxPageSize}, not "${text.slice(0, 20)}".`,
      { field: '$top' },
      `Use $top between 1 and ${maxPageSize}; follow @odata.nextLink for more.`,
    );
  }
  return n;
}

/** `$count` as a boolean (OData spells it `true` or `false`). */
export function readCount(text: string | undefined): boolean {
  if (text === undefined || text.toLowerCase() === 'false') {
    return false;
  }
  if (text.toLowerCase() === 'true') {
    return true;
  }
  throw new PreflightError(
    'input.invalid',
    `$count must be true or false, not "${text.slice(0, 20)}".`,
    { field: '$count' },
  );
}

const tokenPrefix = 'k1.';

/** An opaque `$skiptoken` for "after the item with this key". */
export function encodeSkipToken(afterKey: string): string {
  return tokenPrefix + Buffer.from(afterKey, 'utf8').toString('base64url');
}

/** The key a `$skiptoken` holds; refuses anything `encodeSkipToken` did not make. */
export function decodeSkipToken(token: string | undefined): string | undefined {
  if (token === undefined) {
    return undefined;
  }
  const body = token.startsWith(tokenPrefix) ? token.slice(tokenPrefix.length) : '';
  const key = /^[A-Za-z0-9_-]{1,400}$/.test(body)
    ? Buffer.from(body, 'base64url').toString('utf8')
    : '';
  if (key === '' || encodeSkipToken(key) !== token) {
    throw new PreflightError(
      'input.invalid',
      'The $skiptoken is not one this service issued.',
      { field: '$skiptoken' },
      'Follow @odata.nextLink exactly as returned, or start again without $skiptoken.',
    );
  }
  return key;
}

/** `$select` as a list of property names, each checked against the entity's properties. */
export function readSelect(
  text: string | undefined,
  properties: readonly string[],
  typeName: string,
): string[] | undefined {
  if (text === undefined) {
    return undefined;
  }
  const names = text
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  for (const name of names) {
    if (name !== '*' && !properties.includes(name)) {
      throw new PreflightError(
        'input.invalid',
        `Could not find a property named '${name}' on type '${typeName}'.`,
        { field: '$select' },
        `Select among: ${properties.join(', ')}.`,
      );
    }
  }
  return names.includes('*') || names.length === 0 ? undefined : names;
}

/** The entity with only the selected properties (and its `@odata.type`). */
export function applySelect(
  entity: Readonly<Record<string, unknown>>,
  select: readonly string[] | undefined,
): Record<string, unknown> {
  if (!select) {
    return { ...entity };
  }
  const picked: Record<string, unknown> = {};
  if (entity['@odata.type'] !== undefined) {
    picked['@odata.type'] = entity['@odata.type'];
  }
  for (const name of select) {
    if (name in entity) {
      picked[name] = entity[name];
    }
  }
  return picked;
}

/** The service root as Graph clients see it: `<publicUrl>/<version>`. */
function serviceRoot(publicUrl: string, version: GraphVersion): string {
  return `${publicUrl.replace(/\/+$/, '')}/${version}`;
}

/** `@odata.context` for a resource path such as `deviceManagement/x` or `…/x/$entity`. */
export function contextUrl(publicUrl: string, version: GraphVersion, fragment: string): string {
  return `${serviceRoot(publicUrl, version)}/$metadata#${fragment}`;
}

/**
 * The base next links start from: our public URL, but with the host the client called
 * when that differs. Graph clients page by calling `@odata.nextLink` as given and send
 * their token only to the host they were configured with, so a link must point where the
 * request went (as Graph's own links do). Behind a reverse proxy, forward the original
 * Host header (nginx: `proxy_set_header Host $host`).
 */
export function linkBase(publicUrl: string, host: string | undefined): string {
  const base = new URL(publicUrl.replace(/\/+$/, '') + '/');
  if (typeof host === 'string' && /^[A-Za-z0-9.:[\]-]{1,300}$/.test(host) && host !== base.host) {
    base.host = host;
  }
  return base.toString().replace(/\/+$/, '');
}

/**
 * `@odata.nextLink`: the same resource and options, with `$skiptoken` for the page after
 * `afterKey`. Values are percent-encoded, so Microsoft's client passes them back intact.
 */
export function nextLink(
  base: string,
  version: GraphVersion,
  path: string,
  options: ODataQuery,
  afterKey: string,
): string {
  const parts: string[] = [];
  for (const name of ['filter', 'select', 'expand', 'count', 'top'] as const) {
    const value = options[name];
    if (value !== undefined) {
      parts.push(`$${name}=${encodeURIComponent(value)}`);
    }
  }
  parts.push(`$skiptoken=${encodeSkipToken(afterKey)}`);
  return `${base}/${version}/${path}?${parts.join('&')}`;
}
