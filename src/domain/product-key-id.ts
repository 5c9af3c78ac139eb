/**
 * The product key id (PKID, the "Windows Product ID" column of device lists): a 13-digit
 * number tied to the OA3 product key injected at manufacturing, printed on the box as a
 * barcode so partners can register without unboxing (API-FACTS §3.4; every PKID inside a
 * corpus hash has 13 digits, e.g. `3305404496774`).
 * @module
 */

/** Digits in a product key id, as used by the reference and found in every real hash. */
export const PRODUCT_KEY_ID_LENGTH = 13;

/** Why a value is not a product key id. */
export type ProductKeyIdProblem =
  /**
   * The older 20-character product-ID shape `00329-00000-0003-AA606` that Windows shows in
   * System properties (and Partner Center's docs use as a sample): a different identifier.
   */
  | { readonly kind: 'product_id_shape' }
  /** Excel saved the number in scientific notation (`3.3054E+12`): digits are lost. */
  | { readonly kind: 'excel_scientific' }
  /** Characters other than digits (first offending one given). */
  | { readonly kind: 'not_digits'; readonly character: string }
  /** Digits only, but not 13 of them. */
  | { readonly kind: 'length'; readonly length: number };

const PRODUCT_ID_SHAPE = /^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{4,5}-[0-9A-Z]{5}$/i;
const EXCEL_SCIENTIFIC = /^\d(?:[.,]\d+)?E\+\d{1,3}$/i;

/** Checks a non-empty, trimmed product key id; null when it is valid. */
export function checkProductKeyId(value: string): ProductKeyIdProblem | null {
  if (PRODUCT_ID_SHAPE.test(value)) {
    return { kind: 'product_id_shape' };
  }
  if (EXCEL_SCIENTIFIC.test(value)) {
    return { kind: 'excel_scientific' };
  }
  const bad = /[^0-9]/.exec(value);
  if (bad) {
    return { kind: 'not_digits', character: bad[0] };
  }
  if (value.length !== PRODUCT_KEY_ID_LENGTH) {
    return { kind: 'length', length: value.length };
  }
  return null;
}
