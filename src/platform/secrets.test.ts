import { describe, expect, it } from 'vitest';
import { hashSecret, newSortableId, newToken, verifySecret } from './secrets.js';

describe(newSortableId.name, () => {
  it('makes version-7 UUIDs that sort in creation order, even within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => newSortableId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe(hashSecret.name, () => {
  it('verifies the right secret only, and salts each hash', async () => {
    const secret = newToken();
    const [a, b] = await Promise.all([hashSecret(secret), hashSecret(secret)]);
    expect(a).not.toBe(b);
    expect(a).not.toContain(secret);
    expect(await verifySecret(secret, a)).toBe(true);
    expect(await verifySecret(`${secret}x`, a)).toBe(false);
    expect(await verifySecret(secret, 'plain-text')).toBe(false);
  });
});
