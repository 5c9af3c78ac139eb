import { processIo, type CliContext } from '../cli/context.js';
import { relationshipCommands } from '../cli/commands/relationship.command.js';
import { serverCommands } from '../cli/commands/server.command.js';
import { registrationCommands } from '../cli/commands/registration.command.js';
import { profileCommands } from '../cli/commands/profile.command.js';
import { registerCsvCommands } from '../cli/commands/csv.command.js';
import { tenancyCommands } from '../cli/commands/org.command.js';
import { operatorCommands } from '../cli/commands/operator.command.js';
import { runProgram, type CommandGroup } from '../cli/program.js';
import type { CliRuntime } from '../cli/runtime.js';
import { CliExit, ExitCode } from '../cli/exit.js';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../platform/logger.js';
import { openDatabase } from '../store/database.js';
import { TlsSetupError, openServices, startServer, type RunningServer } from './server.js';

/** The runtime commands use: configuration from the context's environment, real database. */
function runtimeFor(ctx: CliContext): CliRuntime {
  const config = () => loadConfig(ctx.env, ctx.cwd);
  return {
    withServices: async (work) => {
      const services = await openServices(config());
      try {
        return await work(services.deps);
      } finally {
        await services.database.close();
      }
    },
    migrate: async () => {
      const database = await openDatabase(config().db);
      try {
        return { applied: await database.migrate(), database: database.info.name };
      } finally {
        await database.close();
      }
    },
    serve: async (options) => {
      // --tls-cert/--tls-key stand in for the variables, so that the configuration resolves
      // them and defaults the public URL to https:// exactly as it does for the variables.
      const base = options.tls
        ? loadConfig(
            {
              ...ctx.env,
              PREFLIGHT_TLS_CERT: options.tls.certFile,
              PREFLIGHT_TLS_KEY: options.tls.keyFile,
            },
            ctx.cwd,
          )
        : config();
      const settings = {
        ...base,
        http: {
          ...base.http,
          port: options.port ?? base.http.port,
          host: options.host ?? base.http.host,
        },
      };
      const logger = createLogger({ level: settings.log.level });
      let server: RunningServer;
      try {
        server = await startServer(settings, logger);
      } catch (error) {
        if (error instanceof TlsSetupError) {
          throw new CliExit(ExitCode.usage, `error: ${error.message}`);
        }
        throw error;
      }
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          logger.info({ signal }, 'shutting down: finishing in-flight requests');
          server.close().then(
            () => {
              logger.info('stopped cleanly');
              resolve();
            },
            (error: unknown) => {
              logger.error({ err: error }, 'error while stopping');
              resolve();
            },
          );
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    },
  };
}

/** Entry point of the `preflight` executable; returns the process exit code. */
export async function runCli(argv: readonly string[], ctx?: CliContext): Promise<number> {
  const context: CliContext = ctx ?? { io: processIo(), env: process.env, cwd: process.cwd() };
  const runtime = runtimeFor(context);
  const groups: CommandGroup[] = [
    tenancyCommands(runtime),
    operatorCommands(runtime),
    relationshipCommands(runtime),
    registrationCommands(runtime),
    profileCommands(runtime),
    registerCsvCommands,
    serverCommands(runtime),
  ];
  return runProgram(context, groups, argv);
}
