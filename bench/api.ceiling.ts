/**
 * The framework's ceiling, for `npm run bench:api`: a bare Fastify server, in its own
 * process, with the two routes the benchmark compares and no work of its own in either.
 *
 * - `GET /healthz` answers `{"status":"ok"}`, as Preflight's does.
 * - `POST /firstboot/v1/lookup` takes the same request (a JSON body with a 4000-character
 *   `hardwareHash`, parsed by Fastify's own parser and checked to be a string) and answers
 *   a constant, already serialised file: the bytes Preflight's server answered for a
 *   registered device (`CEILING_ANSWER`). No hash decoding, no database, no rate limit,
 *   no access check.
 *
 * What this server reaches is the most any first-boot route can reach on this machine
 * with this framework and this request: the cost of receiving the hash and sending the
 * file. It speaks the orchestrator's IPC protocol of `api.server.ts` (`ready`, `mark`,
 * `stop`).
 */
import Fastify from 'fastify';
import { markClock, send } from './process-marks.js';

const answer = process.env.CEILING_ANSWER;
if (!answer) {
  throw new Error('CEILING_ANSWER (the file to answer) is not set');
}

const app = Fastify({ logger: false });
app.get('/healthz', async () => ({ status: 'ok' }));
app.post('/firstboot/v1/lookup', { bodyLimit: 64 * 1024 }, async (request, reply) => {
  const body = request.body as { hardwareHash?: unknown } | null;
  if (typeof body?.hardwareHash !== 'string') {
    return reply.code(400).send({ error: 'hardwareHash must be a string' });
  }
  return reply.type('application/json; charset=utf-8').send(answer);
});

const address = await app.listen({ host: '127.0.0.1', port: 0 });
const mark = markClock();
process.on('message', (raw: { type: string }) => {
  void (async () => {
    if (raw.type === 'mark') {
      await send({ type: 'mark', ...mark() });
    } else if (raw.type === 'stop') {
      await app.close();
      await send({ type: 'stopped', maxRssMb: process.resourceUsage().maxRSS / 1024 });
      process.exit(0);
    }
  })().catch(() => process.exit(1));
});
process.on('disconnect', () => process.exit(1));
await send({ type: 'ready', url: address });
