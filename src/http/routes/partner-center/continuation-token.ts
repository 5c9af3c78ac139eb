/**
 * Opaque continuation tokens for Partner Center's paged device lists: the response body
 * carries `continuationToken`, the client sends it back as `MS-ContinuationToken`
 * (API-FACTS §1.2). A token holds the last id of the page it ends and a checksum over that
 * id and the listing it belongs to, so a token that was altered, truncated or taken from
 * another listing is refused instead of silently restarting or skipping. The checksum is
 * not a secret: a forged token could only move the start of a listing the caller may read
 * anyway.
 * @module
 */
import { createHash } from 'node:crypto';
import { PreflightError } from '../../../domain/errors.js';

const VERSION = 1;

function checksum(listing: string, after: string): string {
  return createHash('sha256')
    .update(`${VERSION}\u001f${listing}\u001f${after}`)
    .digest('base64url')
    .slice(0, 16);
}

/** The token that continues `listing` after the item `after`. */
export function encodeContinuation(listing: string, after: string): string {
  const payload = JSON.stringify({ v: VERSION, a: after, c: checksum(listing, after) });
  return Buffer.from(payload, 'utf8').toString('base64url');
}

/** The item a token continues after; `input.invalid` for a token not made for `listing`. */
export function decodeContinuation(listing: string, token: string): string {
  let after: unknown;
  let check: unknown;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    if (parsed.v === VERSION) {
      after = parsed.a;
      check = parsed.c;
    }
  } catch {
    // Reported below like any other token we did not make.
  }
  if (
    typeof after !== 'string' ||
    typeof check !== 'string' ||
    check !== checksum(listing, after)
  ) {
    throw new PreflightError(
      'input.invalid',
      'The continuation token is not valid for this list.',
      { field: 'MS-ContinuationToken' },
      'Send the continuationToken of the previous page unchanged, or leave the header out to start from the first page.',
    );
  }
  return after;
}
