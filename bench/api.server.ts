/**
 * The server of `npm run bench:api`, in its own process so that the load generator does
 * not share its core: `startServer` as `serve` runs it (HTTP, in-process batch worker),
 * configured from the environment the orchestrator passes. It talks to the orchestrator
 * over the IPC channel:
 *
 * - sends `{ type: 'ready', url }` once listening;
 * - `{ type: 'mark' }` → `{ type: 'mark', cpuMs, wallMs, elu, rssMb, maxRssMb }`: CPU time,
 *   wall time and event-loop utilisation since the previous mark, so each measured phase
 *   says how busy the server was;
 * - `{ type: 'profile-start' }` / `{ type: 'profile-stop', file }`: V8 CPU profile of the
 *   phase in between, written to `file` (`.cpuprofile`, readable by Chrome DevTools);
 * - `{ type: 'stop' }`: closes the server (in-flight requests, worker, database) and exits.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadConfig } from '../src/config/config.js';
import { startServer } from '../src/main/server.js';
import { createLogger } from '../src/platform/logger.js';
import { markClock, send } from './process-marks.js';

type Message =
  | { type: 'mark' }
  | { type: 'profile-start' }
  | { type: 'profile-stop'; file: string }
  | { type: 'stop' };

async function main(): Promise<void> {
  const config = loadConfig(process.env, process.cwd());
  const logger = createLogger({ level: config.log.level, destination: process.stderr });
  const server = await startServer(config, logger);

  const mark = markClock();
  let session: Session | undefined;

  process.on('message', (raw: Message) => {
    void (async () => {
      switch (raw.type) {
        case 'mark': {
          await send({ type: 'mark', ...mark() });
          break;
        }
        case 'profile-start': {
          session = new Session();
          session.connect();
          await session.post('Profiler.enable');
          await session.post('Profiler.setSamplingInterval', { interval: 200 });
          await session.post('Profiler.start');
          await send({ type: 'profile-start' });
          break;
        }
        case 'profile-stop': {
          const { profile } = await session!.post('Profiler.stop');
          session!.disconnect();
          session = undefined;
          fs.writeFileSync(raw.file, JSON.stringify(profile));
          await send({ type: 'profile-stop', file: raw.file });
          break;
        }
        case 'stop': {
          await server.close();
          await send({ type: 'stopped', maxRssMb: process.resourceUsage().maxRSS / 1024 });
          process.exit(0);
        }
      }
    })().catch((error: unknown) => {
      logger.error({ err: error }, 'bench server: message handling failed');
      process.exit(1);
    });
  });

  // An orchestrator that dies (Ctrl-C, timeout) takes its server with it.
  process.on('disconnect', () => process.exit(1));
  await send({ type: 'ready', url: server.url });
}

await main();
