import { processIo, type CliContext } from '../cli/context.js';
import { runProgram, type CommandGroup } from '../cli/program.js';

/** Every command group of the executable, in the order `--help` lists them. */
const groups: CommandGroup[] = [];

/** Entry point of the `preflight` executable; returns the process exit code. */
export async function runCli(argv: readonly string[], ctx?: CliContext): Promise<number> {
  const context: CliContext = ctx ?? { io: processIo(), env: process.env, cwd: process.cwd() };
  return runProgram(context, groups, argv);
}
