import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { CliExit, ExitCode } from '../exit.js';
import { emit, guard } from '../output.js';
import type { CliRuntime } from '../runtime.js';

/** `preflight serve` and `preflight db migrate`. */
export function serverCommands(runtime: CliRuntime) {
  return (program: Command, ctx: CliContext): void => {
    program
      .command('serve')
      .description('Run the HTTP service (migrates the database first)')
      .option('--port <port>', 'port to listen on (default: PORT or 8080)', (v) => Number(v))
      .option('--host <host>', 'interface to listen on (default: HOST or 0.0.0.0)')
      .option('--tls-cert <file>', 'PEM certificate to serve HTTPS (default: PREFLIGHT_TLS_CERT)')
      .option('--tls-key <file>', 'PEM private key of --tls-cert (default: PREFLIGHT_TLS_KEY)')
      .action((opts: { port?: number; host?: string; tlsCert?: string; tlsKey?: string }) => {
        const { tlsCert, tlsKey, ...listen } = opts;
        if (Boolean(tlsCert) !== Boolean(tlsKey)) {
          throw new CliExit(
            ExitCode.usage,
            `error: --tls-cert and --tls-key go together, but ${tlsCert ? '--tls-key' : '--tls-cert'} is missing; give both to serve HTTPS.`,
          );
        }
        const tls = tlsCert && tlsKey ? { certFile: tlsCert, keyFile: tlsKey } : undefined;
        return guard(ctx, false, () => runtime.serve({ ...listen, ...(tls ? { tls } : {}) }));
      });

    program
      .command('db')
      .description('Database maintenance')
      .command('migrate')
      .description('Apply pending migrations (the server also does this at start)')
      .option('--json', 'print JSON')
      .action((opts: { json?: boolean }) =>
        guard(ctx, opts.json, async () => {
          const result = await runtime.migrate();
          emit(ctx, opts.json, result, () =>
            result.applied.length === 0
              ? `The ${result.database} database is up to date.`
              : `Applied to the ${result.database} database: ${result.applied.join(', ')}.`,
          );
        }),
      );
  };
}
