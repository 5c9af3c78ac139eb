import { Command, CommanderError } from 'commander';
import type { CliContext } from './context.js';
import { CliExit, ExitCode } from './exit.js';

/** One group of commands (`org`, `csv`, …) that adds itself to the program. */
export type CommandGroup = (program: Command, ctx: CliContext) => void;

/**
 * Builds the `preflight` program. Every command group registers itself; the program maps
 * commander's usage errors to exit code 2 and a command's `CliExit` to its own code.
 */
export function buildProgram(ctx: CliContext, groups: readonly CommandGroup[]): Command {
  const program = new Command('preflight')
    .description('Register Windows devices for customers: consent, CSV and API intake, profiles.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.io.out(text),
      writeErr: (text) => ctx.io.err(text),
    });
  for (const group of groups) {
    group(program, ctx);
  }
  return program;
}

/** Runs the program and returns the exit code instead of exiting, so tests can call it. */
export async function runProgram(
  ctx: CliContext,
  groups: readonly CommandGroup[],
  argv: readonly string[],
): Promise<number> {
  // Sub-commands inherit exitOverride() and the output settings from the program.
  const program = buildProgram(ctx, groups);
  try {
    await program.parseAsync([...argv], { from: 'node' });
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CliExit) {
      if (error.message) {
        ctx.io.err(error.message);
      }
      return error.exitCode;
    }
    if (error instanceof CommanderError) {
      // --help and --version arrive here as "errors" with exit code 0.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    // A bug, not the user's mistake: one line for them, the stack only when asked for.
    ctx.io.err(`error: internal failure: ${(error as Error)?.message ?? String(error)}`);
    ctx.io.err(
      ctx.env.PREFLIGHT_DEBUG
        ? String((error as Error)?.stack)
        : 'Set PREFLIGHT_DEBUG=1 for details, and please report it.',
    );
    return ExitCode.internal;
  }
}
