import { ConfigError } from '../config/config.js';
import { isPreflightError } from '../domain/errors.js';
import { StoreUnavailableError } from '../store/database.js';
import type { CliContext } from './context.js';
import { CliExit, ExitCode } from './exit.js';

/** Prints `data` as one JSON document with --json, or the human rendering otherwise. */
export function emit(
  ctx: CliContext,
  json: boolean | undefined,
  data: unknown,
  human: () => string,
): void {
  ctx.io.out(json ? JSON.stringify(data, null, 2) : human());
}

/** A plain-text table with a header row and aligned columns. */
export function table(
  headers: readonly string[],
  rows: readonly (readonly (string | null | undefined)[])[],
): string {
  if (rows.length === 0) {
    return '(none)';
  }
  const cells = [headers, ...rows.map((r) => r.map((c) => c ?? '-'))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (c ?? '').padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * Runs a command body and turns known failures into exit codes with a one-line reason:
 * a broken rule → 1, bad configuration → 2, database unreachable → 3. With --json the
 * error is also printed as `{"error": {code, message, remedy}}` on stdout for scripts.
 */
export async function guard(
  ctx: CliContext,
  json: boolean | undefined,
  body: () => Promise<void>,
): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (isPreflightError(error)) {
      if (json) {
        ctx.io.out(
          JSON.stringify({
            error: { code: error.code, message: error.message, remedy: error.remedy },
          }),
        );
      }
      throw new CliExit(
        ExitCode.refused,
        `error: ${error.message} ${error.remedy} [${error.code}]`,
      );
    }
    if (error instanceof ConfigError) {
      throw new CliExit(ExitCode.usage, `error: ${error.message}`);
    }
    if (error instanceof StoreUnavailableError) {
      throw new CliExit(ExitCode.unavailable, `error: ${error.message}`);
    }
    throw error;
  }
}
