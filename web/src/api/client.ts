import type { ProblemBody } from '../../../src/services/portal/contract';

/** Where the portal's JSON API lives (contract.ts: every path is under it). */
export const apiBase = '/portal/api';

/** A refusal or failure from the portal API, carrying the server's words for the user. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly remedy?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Readonly<Record<string, string | number | boolean | null | undefined>>;

let csrfToken: string | null = null;
let onSignedOut: (() => void) | null = null;

/** The session's CSRF token, sent as `x-csrf-token` on every change (the session sets it). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/**
 * What to do when the server says the session is gone (401 outside the sign-in calls).
 * The session provider installs a handler that keeps the current page for after sign-in.
 */
export function setSignedOutHandler(handler: (() => void) | null): void {
  onSignedOut = handler;
}

// A 401 from these is an answer, not an expired session (not signed in yet, wrong password).
const sessionlessPaths = new Set(['/session', '/sign-in', '/setup']);

/** `/customers/${id}` with the query's non-empty values; usable as an href for downloads. */
export function apiUrl(path: string, query?: Query): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') {
      search.set(key, String(value));
    }
  }
  const queryString = search.toString();
  return `${apiBase}${path}${queryString ? `?${queryString}` : ''}`;
}

interface RequestOptions {
  readonly query?: Query;
  readonly body?: BodyInit;
  readonly contentType?: string;
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.contentType) {
    headers['content-type'] = options.contentType;
  }
  if (method !== 'GET' && csrfToken) {
    headers['x-csrf-token'] = csrfToken;
  }
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method,
      headers,
      body: options.body ?? null,
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(
      0,
      'network',
      'The server could not be reached.',
      'Check your connection, then try again.',
    );
  }
  if (response.ok) {
    if (response.status === 204) {
      return undefined as T;
    }
    const type = response.headers.get('content-type') ?? '';
    return (type.includes('json') ? await response.json() : await response.text()) as T;
  }
  const error = await problemOf(response);
  if (
    response.status === 401 &&
    error.code !== 'auth.bad_credentials' &&
    !sessionlessPaths.has(path)
  ) {
    onSignedOut?.();
  }
  throw error;
}

async function problemOf(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as Partial<ProblemBody>;
    if (body.error?.code && body.error.message) {
      const { code, message, remedy, details } = body.error;
      return new ApiError(response.status, code, message, remedy, details);
    }
  } catch {
    // Not a problem body (a proxy's error page, say): fall through to a generic message.
  }
  return new ApiError(
    response.status,
    `http.${response.status}`,
    `The server answered ${response.status} ${response.statusText}.`.replace(/ \.$/, '.'),
    response.status >= 500
      ? 'Try again in a moment; if it persists, tell your operator.'
      : undefined,
  );
}

/** The portal API client; paths are relative to `/portal/api`. */
export const api = {
  get<T>(path: string, query?: Query): Promise<T> {
    return request<T>('GET', path, query ? { query } : {});
  },
  post<T>(path: string, body?: unknown): Promise<T> {
    return request<T>(
      'POST',
      path,
      body === undefined ? {} : { body: JSON.stringify(body), contentType: 'application/json' },
    );
  },
  delete(path: string): Promise<void> {
    return request<void>('DELETE', path);
  },
  /** Sends the file itself as the body, the way the upload routes take it. */
  upload<T>(path: string, file: File, query: Query): Promise<T> {
    return request<T>('POST', path, { query, body: file, contentType: 'text/csv' });
  },
};
