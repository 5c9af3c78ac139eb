/**
 * What a server process of `npm run bench:api` reports to the orchestrator over IPC: how
 * busy it was since the previous mark, so each measured phase says what it cost the
 * server. Shared by the Preflight server (`api.server.ts`) and the bare-framework ceiling
 * (`api.ceiling.ts`), which the orchestrator measures the same way.
 */
import { performance } from 'node:perf_hooks';

/** Sends `message` to the orchestrator; resolves once it is handed over. */
export const send = (message: object) =>
  new Promise<void>((resolve) => {
    process.send!(message, () => resolve());
  });

const mb = (bytes: number) => bytes / 1024 / 1024;

/** Returns a function that answers a `mark` request: use since the previous call. */
export function markClock(): () => {
  cpuMs: number;
  wallMs: number;
  elu: number;
  rssMb: number;
  maxRssMb: number;
} {
  let lastCpu = process.cpuUsage();
  let lastWall = performance.now();
  let lastElu = performance.eventLoopUtilization();
  return () => {
    const cpu = process.cpuUsage(lastCpu);
    const wall = performance.now();
    const elu = performance.eventLoopUtilization(lastElu);
    const mark = {
      cpuMs: (cpu.user + cpu.system) / 1000,
      wallMs: wall - lastWall,
      elu: elu.utilization,
      rssMb: mb(process.memoryUsage.rss()),
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    };
    lastCpu = process.cpuUsage();
    lastWall = performance.now();
    lastElu = performance.eventLoopUtilization();
    return mark;
  };
}
