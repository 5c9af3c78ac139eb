import type { CliIo } from './context.js';

/**
 * A one-line progress bar with rows per second, redrawn in place on a terminal (on
 * stderr, so --json output on stdout stays clean). Off a terminal it prints nothing.
 */
export function progressBar(io: CliIo, label: string, enabled: boolean) {
  const started = Date.now();
  let last = 0;
  return {
    update(done: number, total: number): void {
      const now = Date.now();
      if (!enabled || (now - last < 100 && done < total)) {
        return;
      }
      last = now;
      const width = 30;
      const filled = total > 0 ? Math.round((done / total) * width) : width;
      const seconds = Math.max((now - started) / 1000, 0.001);
      const rate = Math.round(done / seconds);
      process.stderr.write(
        `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} rows, ${rate} rows/s`,
      );
    },
    finish(): void {
      if (enabled) {
        process.stderr.write('\n');
      }
    },
  };
}
