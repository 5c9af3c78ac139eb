import type { ServiceDeps } from '../services/deps.js';

/**
 * What commands need from the composition root (src/main), injected so that commands
 * never build the database or the server themselves.
 */
export interface CliRuntime {
  /** Opens the configured database (migrating it), runs `work`, and closes it again. */
  withServices<T>(work: (deps: ServiceDeps) => Promise<T>): Promise<T>;
  /** Applies pending migrations; returns the names applied now. */
  migrate(): Promise<{ applied: string[]; database: string }>;
  /**
   * Runs the HTTP server until SIGTERM/SIGINT. `tls` (certificate and key files, relative to
   * the working folder) replaces PREFLIGHT_TLS_CERT/PREFLIGHT_TLS_KEY and serves HTTPS.
   */
  serve(options: {
    port?: number;
    host?: string;
    tls?: { certFile: string; keyFile: string };
  }): Promise<void>;
}
