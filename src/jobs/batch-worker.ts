import type { Logger } from '../platform/logger.js';
import { newId } from '../platform/secrets.js';
import type { ServiceDeps } from '../services/deps.js';
import { processBatch } from '../services/registration/process-batch.js';
import { deleteAbandonedBatches } from '../services/registration/submit-batch.js';

/** Settings of the in-process worker, with their defaults. */
export interface BatchWorkerOptions {
  /** How often to look for waiting batches when nothing wakes the worker. */
  readonly pollMs?: number;
  /** How long a claim lasts without renewal; a dead worker's batches resume after it. */
  readonly leaseMs?: number;
}

/**
 * The worker loop that processes queued batches: one batch at a time, waking at once when
 * a batch is submitted in this process and polling otherwise (for batches submitted by
 * other processes, and for batches whose worker died — their lease expires and they are
 * taken over). On PostgreSQL several processes can run it side by side.
 */
export function startBatchWorker(
  deps: ServiceDeps,
  logger: Logger,
  options: BatchWorkerOptions = {},
) {
  const { pollMs = 1000, leaseMs = 30_000 } = options;
  const worker = { id: `worker-${newId()}`, leaseMs };
  let stopping = false;
  let wake: (() => void) | undefined;
  const sleep = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pollMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = (async () => {
    while (!stopping) {
      try {
        const abandoned = await deleteAbandonedBatches(deps);
        if (abandoned > 0) {
          logger.warn({ abandoned }, 'deleted batches whose submitter died while sending them');
        }
        const batch = await processBatch(deps, deps.store.transaction, worker, {
          shouldStop: () => stopping,
        });
        if (batch) {
          logger.info(
            {
              batchId: batch.id,
              status: batch.status,
              registered: batch.registered_rows,
              failed: batch.failed_rows,
            },
            'batch processed',
          );
          continue;
        }
      } catch (error) {
        // The batch keeps its lease until it expires; then this or another worker resumes it.
        logger.error({ err: error }, 'batch processing failed; it will be resumed');
      }
      if (!stopping) {
        await sleep();
      }
    }
  })();

  return {
    /** Starts the next round now (a batch was just queued). */
    nudge(): void {
      wake?.();
    },
    /** Finishes the chunk in progress, hands its batch back, and stops. */
    async stop(): Promise<void> {
      stopping = true;
      wake?.();
      await loop;
    },
  };
}
