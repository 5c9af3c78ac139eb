import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** JSON-lines logger (pino). Hardware hashes, secrets and tokens are never logged. */
export function createLogger(
  options: { level?: LevelWithSilent; destination?: NodeJS.WritableStream } = {},
): Logger {
  const { level = 'info', destination } = options;
  return pino(
    {
      level,
      base: { service: 'preflight' },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          '*.hardwareHash',
          '*.client_secret',
          '*.password',
        ],
        censor: '[redacted]',
      },
    },
    destination ?? process.stdout,
  );
}
