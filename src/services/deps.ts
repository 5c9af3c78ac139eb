import type { Clock } from '../platform/clock.js';
import type { Store } from '../store/store.js';

/** What every use case needs, injected by the composition root. */
export interface ServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly settings: {
    /** Base URL of the portal; invitation links point into it. */
    readonly publicUrl: string;
    readonly invitationTtlDays: number;
  };
  /** Lets an in-process worker start at once instead of at its next poll. */
  readonly events?: { batchQueued(batchId: string): void };
}
