import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scratchDatabase, testDialects, type ScratchDatabase } from '../kit/databases.js';
import { preflightJson, runPreflight } from '../kit/cli.js';

/** The environment that points the CLI at a scratch database of `dialect`. */
function envFor(scratch: ScratchDatabase, dataDir: string): Record<string, string> {
  if (scratch.config.kind === 'postgres') {
    const url = new URL(scratch.config.url);
    url.searchParams.set('options', `-c search_path=${scratch.config.schema}`);
    return { PREFLIGHT_DATA_DIR: dataDir, DATABASE_URL: url.toString() };
  }
  return { PREFLIGHT_DATA_DIR: dataDir };
}

interface Json {
  id: string;
  status?: string;
  token?: string;
  relationship?: { id: string };
  error?: { code: string };
}

for (const dialect of testDialects()) {
  describe(`preflight CLI, end to end [${dialect}]`, () => {
    let scratch: ScratchDatabase;
    let dataDir: string;
    let env: Record<string, string>;
    beforeEach(async () => {
      scratch = await scratchDatabase(dialect);
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-cli-'));
      env = envFor(scratch, dataDir);
    });
    afterEach(async () => {
      await scratch.dispose();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('creates a partner and a customer, invites, accepts and revokes, and audits every step', () => {
      const partner = preflightJson<Json>(
        ['org', 'create', '--kind', 'partner', '--name', 'Fabrikam'],
        env,
      );
      const customer = preflightJson<Json>(
        ['org', 'create', '--kind', 'customer', '--name', 'Contoso', '--domain', 'contoso.example'],
        env,
      );
      const admin = preflightJson<{ oneTimePassword: string }>(
        [
          'user',
          'create',
          '--org',
          'contoso.example',
          '--email',
          'admin@contoso.example',
          '--role',
          'admin',
        ],
        env,
      );
      expect(admin.oneTimePassword).toHaveLength(20);
      const client = preflightJson<{ clientId: string; clientSecret: string }>(
        ['client', 'create', '--org', 'Fabrikam', '--role', 'agent'],
        env,
      );
      expect(client.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);

      const invitation = preflightJson<Json>(
        [
          'relationship',
          'invite',
          '--from',
          'Fabrikam',
          '--to',
          'Contoso',
          '--permissions',
          'register_devices,read_devices',
        ],
        env,
      );
      const accepted = preflightJson<Json>(
        ['relationship', 'accept', invitation.token!, '--user', 'admin@contoso.example'],
        env,
      );
      expect(accepted.status).toBe('active');
      const listed = preflightJson<Json[]>(['relationship', 'list', '--org', 'Fabrikam'], env);
      expect(listed.map((r) => r.status)).toEqual(['active']);
      const revoked = preflightJson<Json>(
        ['relationship', 'revoke', accepted.id, '--user', 'admin@contoso.example'],
        env,
      );
      expect(revoked.status).toBe('revoked');

      const audit = preflightJson<{ action: string; actor: string; subjectId: string }[]>(
        ['audit', 'list'],
        env,
      );
      expect(audit.map((e) => e.action)).toEqual([
        'organisation.created',
        'organisation.created',
        'user.created',
        'client.created',
        'relationship.invited',
        'relationship.accepted',
        'relationship.revoked',
      ]);
      expect(audit.filter((e) => e.subjectId === accepted.id).map((e) => e.actor)).toEqual([
        'operator',
        'user:admin@contoso.example',
        'user:admin@contoso.example',
      ]);
      expect(audit.map((e) => e.subjectId)).toContain(partner.id);
      expect(audit.map((e) => e.subjectId)).toContain(customer.id);
      // The client secret and the invitation token appear nowhere in the log.
      expect(JSON.stringify(audit)).not.toContain(client.clientSecret);
      expect(JSON.stringify(audit)).not.toContain(invitation.token);
    });

    it('refuses with exit 1, a one-line reason and a JSON error, and changes nothing', () => {
      preflightJson(['org', 'create', '--kind', 'customer', '--name', 'Contoso'], env);
      const before = runPreflight(['audit', 'list', '--json'], env).stdout;

      const duplicate = runPreflight(
        ['org', 'create', '--kind', 'customer', '--name', 'contoso', '--json'],
        env,
      );
      expect(duplicate.code).toBe(1);
      expect(JSON.parse(duplicate.stdout)).toEqual({
        error: expect.objectContaining({ code: 'org.duplicate_name' }),
      });
      expect(duplicate.stderr.trim().split('\n')).toHaveLength(1);

      const unknownToken = runPreflight(
        ['relationship', 'accept', 'no-such-token', '--user', 'x@y.example'],
        env,
      );
      expect(unknownToken.code).toBe(1);
      expect(unknownToken.stderr).toMatch(/No invitation matches this link/);

      const wrongKind = runPreflight(['org', 'create', '--kind', 'reseller', '--name', 'X'], env);
      expect(wrongKind.code).toBe(1);
      expect(wrongKind.stderr).toMatch(
        /Unknown organisation kind "reseller".*Use one of: partner, oem, customer/,
      );

      expect(runPreflight(['audit', 'list', '--json'], env).stdout).toBe(before);
    });

    it('exits 2 on usage errors', () => {
      const missing = runPreflight(['org', 'create', '--name', 'X'], env);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/required option '--kind <kind>'/);
      expect(runPreflight(['no-such-command'], env).code).toBe(2);
    });
  });
}

describe('preflight CLI, configuration and database failures', () => {
  it('prints its help and exits 0', () => {
    const help = runPreflight(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/relationship/);
    expect(help.stdout).toMatch(/serve/);
  });

  it('explains a malformed DATABASE_URL with exit 2 and no stack trace', () => {
    const result = runPreflight(['org', 'list'], { DATABASE_URL: 'postgres//oops' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/DATABASE_URL is not a URL/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('explains an unreachable database with exit 3 and no stack trace', () => {
    const result = runPreflight(['org', 'list'], {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/Cannot reach the postgres database/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
