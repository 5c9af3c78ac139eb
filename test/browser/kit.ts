/**
 * What the browser tests stand on: the built server started as an operator would start
 * it (its own SQLite file in a temp folder, a free port), seeding through the real CLI,
 * Debian's Chromium driven by playwright-core, screenshots, and a watch on every page
 * that turns uncaught errors into test failures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core';
import { preflightBin, preflightJson, repoRoot } from '../kit/cli.js';

/** Debian's package; CI installs it with apt (.ci/run). No test tool downloads a browser. */
export const chromiumPath = '/usr/bin/chromium';

/** Where screenshots land; CI keeps `test-results/` as the run's artifacts. */
export const screenshotDir = path.join(repoRoot, 'test-results', 'screenshots');

/** `shared/corpus` sits beside the clone, here and in CI. */
export const corpusCsvDir = path.resolve(repoRoot, '..', 'shared', 'corpus', 'csv');

/** Long enough for a 2-core CI machine, short enough to fail before vitest's own timeout. */
export const uiTimeoutMs = 20_000;

export interface PortalServer {
  /** The base URL, also the server's public URL (so invitation links point here). */
  readonly url: string;
  /** The environment every CLI call needs to reach the same database. */
  readonly env: Record<string, string>;
  /** Everything the server printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves with the first match of `pattern` in the server's output. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, wait for a clean exit, remove the data folder. */
  stop(): Promise<void>;
}

/** A port nobody listens on right now, chosen by the kernel. */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * A fresh data folder and the environment pointing the CLI and the server at it. The
 * port is fixed before the start because invitation links are built from the public URL.
 */
export async function freshInstallation(): Promise<{
  env: Record<string, string>;
  dataDir: string;
}> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-browser-'));
  const port = await freePort();
  return {
    dataDir,
    env: {
      PREFLIGHT_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      PREFLIGHT_PUBLIC_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'info',
    },
  };
}

/** Starts `preflight serve` from the build (`pretest` builds it) and waits for /readyz. */
export async function startPortalServer(installation: {
  env: Record<string, string>;
  dataDir: string;
}): Promise<PortalServer> {
  const { env, dataDir } = installation;
  const url = env.PREFLIGHT_PUBLIC_URL!;
  const child: ChildProcess = spawn(process.execPath, [preflightBin, 'serve'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) {
      listener();
    }
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      for (const listener of listeners) {
        listener();
      }
      resolve(code);
    }),
  );

  const waitForOutput = (pattern: RegExp, timeoutMs = 30_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(output);
        if (match) {
          done();
          resolve(match);
        } else if (exitCode !== undefined) {
          done();
          reject(
            new Error(`server exited with ${exitCode} before printing ${pattern}:\n${output}`),
          );
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`server did not print ${pattern} within ${timeoutMs} ms:\n${output}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  const stop = async () => {
    if (exitCode === undefined) {
      child.kill('SIGTERM');
    }
    const code = await exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (code !== 0) {
      throw new Error(`server stopped with exit code ${code}:\n${output}`);
    }
  };

  try {
    await waitUntilReady(url, () => exitCode !== undefined);
  } catch (error) {
    await stop().catch(() => undefined);
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return { url, env, output: () => output, waitForOutput, stop };
}

/** Polls /readyz until the database is migrated and reachable, or the process died. */
async function waitUntilReady(url: string, hasExited: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  let delayMs = 25;
  while (Date.now() < deadline) {
    if (hasExited()) {
      throw new Error('server exited before it was ready');
    }
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    delayMs = Math.min(delayMs * 2, 500);
  }
  throw new Error(`${url}/readyz did not answer 200 within 30 s`);
}

// ---------------------------------------------------------------------------------------
// Seeding through the CLI, as the operator would
// ---------------------------------------------------------------------------------------

export interface SeededUser {
  readonly email: string;
  readonly oneTimePassword: string;
}

export function createOrganisation(
  env: Record<string, string>,
  org: { kind: 'partner' | 'oem' | 'customer'; name: string; domain?: string },
): { id: string } {
  return preflightJson<{ id: string }>(
    [
      'org',
      'create',
      '--kind',
      org.kind,
      '--name',
      org.name,
      ...(org.domain ? ['--domain', org.domain] : []),
    ],
    env,
  );
}

export function createUser(
  env: Record<string, string>,
  user: { org: string; email: string; role: 'admin' | 'agent' | 'reader' },
): SeededUser {
  const created = preflightJson<{ email: string; oneTimePassword: string }>(
    ['user', 'create', '--org', user.org, '--email', user.email, '--role', user.role],
    env,
  );
  return { email: created.email, oneTimePassword: created.oneTimePassword };
}

// ---------------------------------------------------------------------------------------
// The browser
// ---------------------------------------------------------------------------------------

/**
 * Debian's Chromium, headless, with the flags this machine kind needs: no sandbox (root),
 * and no background connections (the network is closed; they would only fail noisily).
 * `launch` gives it a new, empty profile folder of its own and removes it on close.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A context of its own per person: separate cookies, so separate sessions. */
export async function newPersonContext(
  browser: Browser,
  baseURL: string,
  viewport = { width: 1366, height: 900 },
): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport, locale: 'en-GB' });
  context.setDefaultTimeout(uiTimeoutMs);
  return context;
}

/** A full-page screenshot at `test-results/screenshots/<step>.png`. */
export async function screenshot(page: Page, step: string): Promise<string> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${step}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Collects what would go unnoticed in a real browser: uncaught exceptions and console
 * errors. The only console errors tolerated are Chromium's own lines about 4xx answers,
 * which the app provokes on purpose (no session yet, a refused upload) and shows to the
 * user itself; a 5xx or anything the app logs as an error is a failure.
 */
export class PageErrors {
  private readonly problems: string[] = [];

  watch(page: Page, who: string): Page {
    page.on('pageerror', (error) => {
      this.problems.push(`${who}: uncaught ${error.name}: ${error.message} (at ${page.url()})`);
    });
    page.on('console', (message) => {
      if (message.type() !== 'error') {
        return;
      }
      const text = message.text();
      if (/^Failed to load resource: the server responded with a status of 4\d\d\b/.test(text)) {
        return;
      }
      this.problems.push(`${who}: console error: ${text} (at ${page.url()})`);
    });
    return page;
  }

  /** Throws (failing the test) when anything was collected. */
  assertNone(): void {
    if (this.problems.length > 0) {
      throw new Error(`The browser reported errors:\n  ${this.problems.join('\n  ')}`);
    }
  }
}

/** Waits until `locator` shows text matching `pattern`; returns that text. */
export async function waitForText(
  locator: Locator,
  pattern: RegExp,
  timeoutMs = uiTimeoutMs,
): Promise<string> {
  const match = locator.filter({ hasText: pattern, visible: true }).first();
  await match.waitFor({ timeout: timeoutMs });
  return (await match.innerText()).trim();
}

/** The cell texts of every body row of a table (header rows left out). */
export async function tableRows(table: Locator): Promise<string[][]> {
  const rows = table.getByRole('row').filter({ has: table.page().getByRole('cell') });
  const count = await rows.count();
  const texts: string[][] = [];
  for (let i = 0; i < count; i += 1) {
    const cells = await rows.nth(i).getByRole('cell').allInnerTexts();
    texts.push(cells.map((cell) => cell.trim()));
  }
  return texts;
}
