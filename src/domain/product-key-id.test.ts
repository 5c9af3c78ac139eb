import { describe, expect, it } from 'vitest';
import { checkProductKeyId, PRODUCT_KEY_ID_LENGTH } from './product-key-id.js';

describe(checkProductKeyId.name, () => {
  it('accepts the 13-digit PKIDs found inside real hashes', () => {
    expect(PRODUCT_KEY_ID_LENGTH).toBe(13);
    for (const pkid of ['3305404496774', '3556129472828', '3863475297787']) {
      expect(checkProductKeyId(pkid)).toBeNull();
    }
  });

  it('explains that the 00329-00000-0003-AA606 shape is a Windows product ID, not a PKID', () => {
    expect(checkProductKeyId('00329-00000-0003-AA606')).toEqual({ kind: 'product_id_shape' });
    expect(checkProductKeyId('00330-80000-00000-AA123')).toEqual({ kind: 'product_id_shape' });
  });

  it('detects Excel scientific notation', () => {
    expect(checkProductKeyId('3.3054E+12')).toEqual({ kind: 'excel_scientific' });
  });

  it('names the first non-digit and counts wrong lengths', () => {
    expect(checkProductKeyId('<ProductID>')).toEqual({ kind: 'not_digits', character: '<' });
    expect(checkProductKeyId('123451234567')).toEqual({ kind: 'length', length: 12 });
  });
});
