/**
 * Recognises a constraint violation from either database, so repositories can turn the
 * database's verdict (the final word in a race) into a domain error.
 */
export interface ConstraintViolation {
  readonly kind: 'unique' | 'foreign_key' | 'check' | 'not_null';
  /** Constraint name (PostgreSQL) or the "table.column, …" list (SQLite). */
  readonly target: string;
}

/** Returns what was violated, or null when `error` is not a constraint violation. */
export function constraintViolation(error: unknown): ConstraintViolation | null {
  if (!error || typeof error !== 'object') {
    return null;
  }
  const { code, constraint, message } = error as {
    code?: unknown;
    constraint?: unknown;
    message?: unknown;
  };
  // PostgreSQL SQLSTATE class 23: integrity constraint violation.
  const pgKinds: Record<string, ConstraintViolation['kind']> = {
    '23505': 'unique',
    '23503': 'foreign_key',
    '23514': 'check',
    '23502': 'not_null',
  };
  if (typeof code === 'string' && code in pgKinds) {
    return { kind: pgKinds[code]!, target: typeof constraint === 'string' ? constraint : '' };
  }
  // better-sqlite3 extended result codes, e.g. SQLITE_CONSTRAINT_UNIQUE with a message
  // "UNIQUE constraint failed: organisations.name_key".
  const sqliteKinds: Record<string, ConstraintViolation['kind']> = {
    SQLITE_CONSTRAINT_UNIQUE: 'unique',
    SQLITE_CONSTRAINT_PRIMARYKEY: 'unique',
    SQLITE_CONSTRAINT_FOREIGNKEY: 'foreign_key',
    SQLITE_CONSTRAINT_CHECK: 'check',
    SQLITE_CONSTRAINT_NOTNULL: 'not_null',
  };
  if (typeof code === 'string' && code in sqliteKinds) {
    const text = typeof message === 'string' ? message : '';
    return { kind: sqliteKinds[code]!, target: text.slice(text.indexOf(':') + 1).trim() };
  }
  return null;
}

/** True when `error` violates a uniqueness rule whose name or columns mention `hint`. */
export function isUniqueViolation(error: unknown, hint: string): boolean {
  const violation = constraintViolation(error);
  return violation?.kind === 'unique' && violation.target.includes(hint);
}

/**
 * True when the database aborted a transaction only because another one got in its way
 * (PostgreSQL: deadlock 40P01, serialization failure 40001; SQLite: busy). Running the
 * same transaction again is safe and will normally succeed.
 */
export function isTransientConflict(error: unknown): boolean {
  if (!error || typeof error !== 'object') {
    return false;
  }
  const { code } = error as { code?: unknown };
  return code === '40P01' || code === '40001' || code === 'SQLITE_BUSY';
}
