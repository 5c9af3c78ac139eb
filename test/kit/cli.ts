import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, and the built executable the tests run as a user would. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const preflightBin = path.join(repoRoot, 'bin', 'preflight.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `preflight ARGS…` to completion in a child process with the given environment. */
export function runPreflight(
  args: readonly string[],
  env: Record<string, string | undefined>,
  cwd = repoRoot,
): CliResult {
  const result = spawnSync(process.execPath, [preflightBin, ...args], {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `preflight ARGS…` with --json and parses stdout; fails loudly on a non-zero exit. */
export function preflightJson<T>(
  args: readonly string[],
  env: Record<string, string | undefined>,
): T {
  const result = runPreflight([...args, '--json'], env);
  if (result.code !== 0) {
    throw new Error(`preflight ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as T;
}

/**
 * Starts `preflight serve --port 0 --host 127.0.0.1 [ARGS…]` in the background; resolves
 * once it logs its URL (`http://…`, or `https://…` when it serves TLS).
 */
export async function startPreflightServer(
  env: Record<string, string | undefined>,
  args: readonly string[] = [],
) {
  const child = spawn(
    process.execPath,
    [preflightBin, 'serve', '--port', '0', '--host', '127.0.0.1', ...args],
    {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /"url":"(https?:\/\/[^"]+)"/.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${stderr}`));
    });
  });
  return { child, url, exited, logs: () => stdout, errors: () => stderr };
}

/**
 * Through the CLI: creates partner Fabrikam and customer Contoso (with an admin,
 * admin@contoso.example) and makes their relationship active.
 */
export function consentThroughCli(env: Record<string, string>): void {
  preflightJson(['org', 'create', '--kind', 'partner', '--name', 'Fabrikam'], env);
  preflightJson(['org', 'create', '--kind', 'customer', '--name', 'Contoso'], env);
  preflightJson(
    ['user', 'create', '--org', 'Contoso', '--email', 'admin@contoso.example', '--role', 'admin'],
    env,
  );
  const { token } = preflightJson<{ token: string }>(
    ['relationship', 'invite', '--from', 'Fabrikam', '--to', 'Contoso'],
    env,
  );
  preflightJson(['relationship', 'accept', token, '--user', 'admin@contoso.example'], env);
}
