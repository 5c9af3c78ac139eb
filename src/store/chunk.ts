/**
 * Splits rows into chunks whose bind parameters fit one statement. SQLite allows 32 766
 * parameters per statement (since 3.32) and PostgreSQL 65 535 (a 16-bit count in the wire
 * protocol); a multi-row INSERT of N rows with C columns binds N×C of them.
 */
export function chunkForBinds<T>(
  rows: readonly T[],
  columnsPerRow: number,
  maxBindParams: number,
): T[][] {
  const size = Math.max(1, Math.floor(maxBindParams / columnsPerRow));
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) {
    chunks.push(rows.slice(i, i + size));
  }
  return chunks;
}
