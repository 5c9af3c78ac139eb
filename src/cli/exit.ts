/**
 * Exit codes every `preflight` command follows, so scripts can branch on them.
 * 0 success, 1 refused operation (or a file with errors), 2 usage error or unreadable
 * input, 3 the database or another dependency could not be reached, 70 a fault of
 * Preflight itself (a bug: please report it).
 */
export const ExitCode = {
  ok: 0,
  refused: 1,
  usage: 2,
  unavailable: 3,
  internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Thrown by a command to end with a one-line message and a chosen exit code. */
export class CliExit extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = 'CliExit';
  }
}
