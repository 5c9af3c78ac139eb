import { describe, expect, it } from 'vitest';
import { refusal } from '../../../../test/kit/refusal.js';
import { decodeContinuation, encodeContinuation } from './continuation-token.js';

describe(encodeContinuation.name, () => {
  it('round-trips the id a page ended with', () => {
    const token = encodeContinuation('customer\u001fTest batch', '0190-abc');
    expect(token).toMatch(/^[\w-]+$/);
    expect(decodeContinuation('customer\u001fTest batch', token)).toBe('0190-abc');
  });

  it('refuses an altered token, a token of another listing, and garbage', () => {
    const token = encodeContinuation('customer\u001fA', '0190-abc');
    const payload = JSON.parse(Buffer.from(token, 'base64url').toString()) as Record<
      string,
      string
    >;
    const altered = Buffer.from(JSON.stringify({ ...payload, a: '0190-abd' })).toString(
      'base64url',
    );
    for (const [listing, bad] of [
      ['customer\u001fA', altered],
      ['customer\u001fB', token],
      ['customer\u001fA', 'not-a-token'],
      ['customer\u001fA', token.slice(0, -3)],
    ] as const) {
      const error = refusal(() => decodeContinuation(listing, bad));
      expect(error.code).toBe('input.invalid');
      expect(error.details.field).toBe('MS-ContinuationToken');
    }
  });
});
