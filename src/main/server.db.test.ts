import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig, type Config } from '../config/config.js';
import { createLogger } from '../platform/logger.js';
import { scratchDatabase, testDialects, type ScratchDatabase } from '../../test/kit/databases.js';
import { startServer } from './server.js';

for (const dialect of testDialects()) {
  describe(`first start [${dialect}]`, () => {
    let scratch: ScratchDatabase | undefined;
    let dataDir: string | undefined;
    afterEach(async () => {
      vi.restoreAllMocks();
      await scratch?.dispose();
      if (dataDir) {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });

    /** Starts and stops the server once; returns what it wrote to stderr. */
    const startOnce = async (
      config: Config,
      then?: (url: string, stderr: string) => Promise<void>,
    ) => {
      const written: string[] = [];
      const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
        written.push(String(chunk));
        return true;
      });
      const server = await startServer(config, createLogger({ level: 'silent' }));
      spy.mockRestore();
      try {
        await then?.(server.url, written.join(''));
      } finally {
        await server.close();
      }
      return written.join('');
    };

    it('prints a fresh one-time setup link on each start until an operator exists', async () => {
      scratch = await scratchDatabase(dialect);
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-first-start-'));
      const base = loadConfig(
        { PREFLIGHT_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' },
        dataDir,
      );
      const config: Config = { ...base, db: scratch.config };
      const linkOf = (stderr: string) =>
        /(http:\/\/localhost:0\/portal\/setup#token=([\w-]+))/.exec(stderr)?.[2];

      const firstToken = linkOf(await startOnce(config));
      expect(firstToken).toBeDefined();
      await startOnce(config, async (url, stderr) => {
        const secondToken = linkOf(stderr);
        expect(secondToken).toBeDefined();
        expect(secondToken).not.toBe(firstToken);
        const setup = (token: string) =>
          fetch(`${url}/portal/api/setup`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              token,
              email: 'root@example.com',
              password: 'a long first password',
            }),
          });
        // The first start's link stopped working when the server restarted.
        expect((await setup(firstToken!)).status).toBe(403);
        expect((await setup(secondToken!)).status).toBe(200);
      });
      // Once an operator exists, no link is printed.
      expect(linkOf(await startOnce(config))).toBeUndefined();
    });
  });
}
