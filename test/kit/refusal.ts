import { PreflightError } from '../../src/domain/errors.js';

/** The PreflightError `fn` throws, so tests can read its code, field, message and remedy. */
export function refusal(fn: () => unknown): PreflightError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PreflightError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a PreflightError');
}
