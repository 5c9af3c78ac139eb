import fs from 'node:fs';
import type { Command } from 'commander';
import { operator } from '../../domain/actor.js';
import { PreflightError } from '../../domain/errors.js';
import {
  createProfile,
  createTagRule,
  deleteTagRule,
  getProfile,
  listProfiles,
  listTagRules,
} from '../../services/profiles.js';
import type { CliContext } from '../context.js';
import { emit, guard, table } from '../output.js';
import type { CliRuntime } from '../runtime.js';

interface ProfileCreateOptions {
  customer: string;
  name: string;
  description?: string;
  mode?: string;
  join?: string;
  language?: string;
  deviceName?: string;
  userType?: string;
  settings?: string;
  json?: boolean;
}

/** `preflight profile create|list|show` and `preflight tag-rule create|list|delete`. */
export function profileCommands(runtime: CliRuntime) {
  return (program: Command, ctx: CliContext): void => {
    const profile = program.command('profile').description("A customer's deployment profiles");
    profile
      .command('create')
      .description('Create a deployment profile')
      .requiredOption('--customer <org>', 'customer id, name or domain')
      .requiredOption('--name <name>', 'display name (unique per customer)')
      .option('--description <text>', 'description')
      .option('--mode <mode>', 'userDriven, selfDeploying or preProvisioned')
      .option('--join <type>', 'entra or hybrid')
      .option('--language <tag>', 'os-default or a language tag such as en-US')
      .option('--device-name <template>', 'device name template, e.g. CONTOSO-%SERIAL%')
      .option('--user-type <type>', 'administrator or standard')
      .option('--settings <file>', 'a JSON file with all settings (flags override it)')
      .option('--json', 'print JSON')
      .action((opts: ProfileCreateOptions) =>
        guard(ctx, opts.json, () =>
          runtime.withServices(async (deps) => {
            const base = opts.settings ? readSettings(opts.settings) : {};
            const settings = {
              ...base,
              displayName: opts.name,
              ...(opts.description !== undefined ? { description: opts.description } : {}),
              ...(opts.mode ? { deploymentMode: opts.mode } : {}),
              ...(opts.join ? { joinType: opts.join } : {}),
              ...(opts.language ? { language: opts.language } : {}),
              ...(opts.deviceName ? { deviceNameTemplate: opts.deviceName } : {}),
              ...(opts.userType
                ? {
                    oobe: { ...((base.oobe as object | undefined) ?? {}), userType: opts.userType },
                  }
                : {}),
            };
            const created = await createProfile(deps, operator, {
              customer: opts.customer,
              settings,
            });
            emit(
              ctx,
              opts.json,
              created,
              () => `Created profile "${created.displayName}" (${created.id}).`,
            );
          }),
        ),
      );
    profile
      .command('list')
      .description("List a customer's profiles, oldest first (the oldest wins when rules overlap)")
      .requiredOption('--customer <org>', 'customer id, name or domain')
      .option('--json', 'print JSON')
      .action((opts: { customer: string; json?: boolean }) =>
        guard(ctx, opts.json, () =>
          runtime.withServices(async (deps) => {
            const profiles = await listProfiles(deps, operator, opts.customer);
            emit(ctx, opts.json, profiles, () =>
              table(
                ['ID', 'NAME', 'MODE', 'JOIN', 'BUILT-IN'],
                profiles.map((p) => [
                  p.id,
                  p.displayName,
                  p.settings.deploymentMode,
                  p.settings.joinType,
                  p.builtIn ? 'yes' : '',
                ]),
              ),
            );
          }),
        ),
      );
    profile
      .command('show')
      .description('Show one profile with all its settings')
      .argument('<profile>', 'profile id or name')
      .requiredOption('--customer <org>', 'customer id, name or domain')
      .option('--json', 'print JSON')
      .action((ref: string, opts: { customer: string; json?: boolean }) =>
        guard(ctx, opts.json, () =>
          runtime.withServices(async (deps) => {
            const found = await getProfile(deps, operator, ref, opts.customer);
            emit(ctx, opts.json, found, () => JSON.stringify(found, null, 2));
          }),
        ),
      );

    const rule = program
      .command('tag-rule')
      .description('Rules that give devices a profile by group tag');
    rule
      .command('create')
      .description('Select devices for a profile by exact group tag (case included) or by a rule')
      .requiredOption('--customer <org>', 'customer id, name or domain')
      .requiredOption('--profile <profile>', 'profile id or name')
      .option('--tag <tag>', 'group tag, matched exactly')
      .option(
        '--rule <rule>',
        'a rule such as (device.devicePhysicalIds -any (_ -startsWith "[OrderID]:Sales"))',
      )
      .option('--json', 'print JSON')
      .action(
        (opts: {
          customer: string;
          profile: string;
          tag?: string;
          rule?: string;
          json?: boolean;
        }) =>
          guard(ctx, opts.json, () =>
            runtime.withServices(async (deps) => {
              const created = await createTagRule(deps, operator, {
                customer: opts.customer,
                profile: opts.profile,
                ...(opts.tag !== undefined ? { groupTag: opts.tag } : {}),
                ...(opts.rule !== undefined ? { rule: opts.rule } : {}),
              });
              emit(ctx, opts.json, created, () => `Created rule ${created.id}: ${created.rule}`);
            }),
          ),
      );
    rule
      .command('list')
      .description("List a customer's rules in the order they are tried")
      .requiredOption('--customer <org>', 'customer id, name or domain')
      .option('--json', 'print JSON')
      .action((opts: { customer: string; json?: boolean }) =>
        guard(ctx, opts.json, () =>
          runtime.withServices(async (deps) => {
            const rules = await listTagRules(deps, operator, opts.customer);
            emit(ctx, opts.json, rules, () =>
              table(
                ['ID', 'PROFILE', 'RULE'],
                rules.map((r) => [r.id, r.profileId, r.rule]),
              ),
            );
          }),
        ),
      );
    rule
      .command('delete')
      .description('Delete a rule; the devices it selected are re-evaluated at once')
      .argument('<id>', 'rule id')
      .requiredOption('--customer <org>', 'customer id, name or domain')
      .option('--json', 'print JSON')
      .action((id: string, opts: { customer: string; json?: boolean }) =>
        guard(ctx, opts.json, () =>
          runtime.withServices(async (deps) => {
            await deleteTagRule(deps, operator, id, opts.customer);
            emit(ctx, opts.json, { deleted: id }, () => `Deleted rule ${id}.`);
          }),
        ),
      );
  };
}

function readSettings(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new PreflightError('input.invalid', `Cannot read the settings file ${file}.`, {
      field: 'settings',
    });
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch (error) {
    throw new PreflightError(
      'input.invalid',
      `${file} is not valid JSON: ${(error as Error).message}`,
      { field: 'settings' },
    );
  }
  throw new PreflightError(
    'input.invalid',
    `${file} must hold a JSON object of profile settings.`,
    { field: 'settings' },
  );
}
