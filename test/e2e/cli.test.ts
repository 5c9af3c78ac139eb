import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scratchDatabase, testDialects, type ScratchDatabase } from '../kit/databases.js';
import { consentThroughCli, preflightJson, repoRoot, runPreflight } from '../kit/cli.js';
import { intuneCsv, syntheticDevice } from '../kit/devices.js';

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

describe('preflight import, end to end', () => {
  let dataDir: string;
  let env: Record<string, string>;
  const corpus = path.resolve(repoRoot, '../shared/corpus/csv');
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-import-'));
    env = { PREFLIGHT_DATA_DIR: dataDir };
    consentThroughCli(env);
    preflightJson(['org', 'create', '--kind', 'partner', '--name', 'Litware'], env);
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('imports a real PowerShell export with the Managed Desktop tag, exit 0, and the device gets its profile', () => {
    const file = path.join(corpus, 'intune-3col-utf16le-bom-lenovo-thinkpad-t14s.csv');
    const result = runPreflight(
      [
        'import',
        file,
        '--as',
        'Fabrikam',
        '--customer',
        'Contoso',
        '--group-tag',
        'Microsoft365Managed_Autopilot',
        '--json',
      ],
      env,
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      batch: { status: string };
      file: { encoding: string };
    };
    expect(report.batch.status).toBe('finished');
    expect(report.file.encoding).toBe('utf-16le');
    const devices = preflightJson<{ profileStatus: string; groupTag: string }[]>(
      ['devices', 'list', '--customer', 'Contoso'],
      env,
    );
    expect(devices).toEqual([
      expect.objectContaining({
        profileStatus: 'assignedInSync',
        groupTag: 'Microsoft365Managed_Autopilot',
      }),
    ]);

    const again = runPreflight(['import', file, '--as', 'Fabrikam', '--customer', 'Contoso'], env);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/line 2 .*806 ZtdDeviceAlreadyAssigned/);
  });

  it('shows problems of a broken file on their lines in a dry run, and registers nothing', () => {
    const file = path.join(corpus, 'mmd-sample-self-manufacturer-model-serial-hash-short-hash.csv');
    const result = runPreflight(
      ['import', file, '--as', 'Fabrikam', '--customer', 'Contoso', '--dry-run'],
      env,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/line 2 .*802 InvalidZtdHardwareHash/);
    expect(preflightJson<unknown[]>(['devices', 'list', '--customer', 'Contoso'], env)).toEqual([]);
  });

  it('refuses with exit 2 a file that is not a device list, or a customer without consent', () => {
    const wrong = runPreflight(
      [
        'import',
        path.join(corpus, 'wrong-file-intune-autopilot-device-export-quoted-fields.csv'),
        '--as',
        'Fabrikam',
        '--customer',
        'Contoso',
      ],
      env,
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/line 1.*export/);
    const noConsent = runPreflight(
      [
        'import',
        path.join(corpus, 'intune-3col-utf16le-bom-hyperv-vm.csv'),
        '--as',
        'Litware',
        '--customer',
        'Contoso',
      ],
      env,
    );
    expect(noConsent.code).toBe(2);
    expect(noConsent.stderr).toMatch(/no active relationship/);
  });
});

describe('preflight profiles, tag rules and devices, end to end', () => {
  let dataDir: string;
  let env: Record<string, string>;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-profiles-'));
    env = { PREFLIGHT_DATA_DIR: dataDir };
    consentThroughCli(env);
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('creates a profile and a tag rule, and devices follow their tag', () => {
    const file = path.join(dataDir, 'devices.csv');
    fs.writeFileSync(
      file,
      intuneCsv(
        [syntheticDevice(1, { groupTag: 'Kiosk' }), syntheticDevice(2, { groupTag: 'kiosk' })],
        { groupTag: true },
      ),
    );
    const profiles = preflightJson<{ displayName: string; builtIn: boolean }[]>(
      ['profile', 'list', '--customer', 'Contoso'],
      env,
    );
    expect(profiles).toEqual([
      expect.objectContaining({ displayName: 'Microsoft Managed Desktop', builtIn: true }),
    ]);

    const kiosk = preflightJson<{ id: string }>(
      [
        'profile',
        'create',
        '--customer',
        'Contoso',
        '--name',
        'Kiosk',
        '--mode',
        'selfDeploying',
        '--device-name',
        'KIOSK-%RAND:5%',
      ],
      env,
    );
    const badName = runPreflight(
      [
        'profile',
        'create',
        '--customer',
        'Contoso',
        '--name',
        'Bad',
        '--device-name',
        'THIS-NAME-IS-FAR-TOO-LONG',
      ],
      env,
    );
    expect(badName.code).toBe(1);
    expect(badName.stderr).toMatch(/deviceNameTemplate|device name/i);

    preflightJson(
      ['tag-rule', 'create', '--customer', 'Contoso', '--profile', 'Kiosk', '--tag', 'Kiosk'],
      env,
    );
    const badRule = runPreflight(
      [
        'tag-rule',
        'create',
        '--customer',
        'Contoso',
        '--profile',
        'Kiosk',
        '--rule',
        '(device.devicePhysicalIds -any (_ -eqq "[OrderID]:X"))',
      ],
      env,
    );
    expect(badRule.code).toBe(1);
    expect(badRule.stderr).toMatch(/character \d+.*-eqq/);

    const imported = runPreflight(
      ['import', file, '--as', 'Fabrikam', '--customer', 'Contoso'],
      env,
    );
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(
      /line 3 .*"kiosk".*NO deployment profile.*Did you mean "Kiosk"/s,
    );

    const devices = preflightJson<
      { id: string; serialNumber: string; profileId: string | null; profileStatus: string }[]
    >(['devices', 'list', '--customer', 'Contoso'], env);
    expect(devices.map((d) => [d.serialNumber, d.profileId, d.profileStatus])).toEqual([
      ['SN00000001', kiosk.id, 'assignedInSync'],
      ['SN00000002', null, 'notAssigned'],
    ]);
    const [fixed] = preflightJson<{ profileId: string }[]>(
      ['device', 'tag', devices[1]!.id, '--tag', 'Kiosk'],
      env,
    );
    expect(fixed!.profileId).toBe(kiosk.id);
    expect(preflightJson<unknown[]>(['device', 'show', 'SN00000002'], env)).toHaveLength(1);

    const removed = preflightJson<{ serialNumber: string }>(['deregister', devices[0]!.id], env);
    expect(removed.serialNumber).toBe('SN00000001');
    const missing = runPreflight(['device', 'show', 'SN00000001'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No device visible to you matches "SN00000001"/);
  });
});
