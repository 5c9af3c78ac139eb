import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { operator } from '../../domain/actor.js';
import { isPreflightError } from '../../domain/errors.js';
import type { ServiceDeps } from '../../services/deps.js';
import { deregisterDevice, findDevices, listDevices, setGroupTag } from '../../services/devices.js';
import type { BatchRowView, BatchView } from '../../services/registration/batch-view.js';
import { csvRows } from '../../services/registration/csv-rows.js';
import {
  dryRunBatch,
  getBatch,
  getBatchRows,
  registerNow,
} from '../../services/registration/register.js';
import type { CliContext } from '../context.js';
import { CliExit, ExitCode } from '../exit.js';
import { emit, guard, table } from '../output.js';
import { progressBar } from '../progress.js';
import type { CliRuntime } from '../runtime.js';

interface ImportOptions {
  as: string;
  customer: string;
  groupTag?: string;
  batchId?: string;
  dryRun?: boolean;
  strictTags?: boolean;
  json?: boolean;
}

/** `preflight import`, `batch show`, `devices list`, `device show`, `device tag`, `deregister`. */
export function registrationCommands(runtime: CliRuntime) {
  return (program: Command, ctx: CliContext): void => {
    program
      .command('import')
      .description(
        'Register the devices of a CSV file for a customer (or --dry-run to see what would happen)',
      )
      .argument('<file>', 'the device list (Intune, Partner Center or Managed Desktop layout)')
      .requiredOption('--as <org>', 'the partner or OEM that registers')
      .requiredOption('--customer <org>', 'the customer the devices are for')
      .option('--group-tag <tag>', 'group tag for rows without their own')
      .option(
        '--batch-id <id>',
        'your id for the batch: rerunning with the same id and file is safe',
      )
      .option('--dry-run', 'run every check and report per row, registering nothing')
      .option('--strict-tags', 'refuse rows whose tag nearly matches a profile rule')
      .option('--json', 'print JSON')
      .action((file: string, opts: ImportOptions) =>
        guard(ctx, opts.json, () =>
          runtime.withServices(async (deps) => {
            const absolute = path.resolve(ctx.cwd, file);
            if (!fs.existsSync(absolute) || !fs.statSync(absolute).isFile()) {
              throw new CliExit(ExitCode.usage, `error: cannot read ${file}: no such file.`);
            }
            await importFile(ctx, deps, absolute, path.basename(file), opts);
          }),
        ),
      );

    program
      .command('batch')
      .description('Device batches')
      .command('show')
      .description('A batch, its status and the outcome of every row')
      .argument('<id>', 'batch id')
      .option('--json', 'print JSON')
      .action((id: string, opts: { json?: boolean }) =>
        guard(ctx, opts.json, () =>
          runtime.withServices(async (deps) => {
            const batch = await getBatch(deps, operator, id);
            const rows = await getBatchRows(deps, operator, id);
            emit(ctx, opts.json, { ...batch, rows }, () => describeBatch(batch, rows, false));
          }),
        ),
      );

    program
      .command('devices')
      .description('Registered devices')
      .command('list')
      .description("List a customer's devices")
      .requiredOption('--customer <org>', 'customer id, name or domain')
      .option('--serial <serial>', 'only this serial number')
      .option('--tag <tag>', 'only this group tag')
      .option('--json', 'print JSON')
      .action((opts: { customer: string; serial?: string; tag?: string; json?: boolean }) =>
        guard(ctx, opts.json, () =>
          runtime.withServices(async (deps) => {
            const devices = await listDevices(deps, operator, {
              customer: opts.customer,
              ...(opts.serial ? { serialNumber: opts.serial } : {}),
              ...(opts.tag ? { groupTag: opts.tag } : {}),
              limit: 100_000,
            });
            emit(ctx, opts.json, devices, () =>
              table(
                ['ID', 'SERIAL', 'MANUFACTURER', 'MODEL', 'TAG', 'PROFILE STATUS', 'REGISTERED BY'],
                devices.map((d) => [
                  d.id,
                  d.serialNumber,
                  d.manufacturer,
                  d.model,
                  d.groupTag,
                  d.profileStatus,
                  d.registeredBy,
                ]),
              ),
            );
          }),
        ),
      );

    const device = program.command('device').description('One registered device');
    device
      .command('show')
      .description('Show devices by id, serial number or hash digest')
      .argument('<identifier>', 'device id, serial number, or SHA-256 digest of the hardware hash')
      .option('--customer <org>', 'only devices of this customer')
      .option('--json', 'print JSON')
      .action((identifier: string, opts: { customer?: string; json?: boolean }) =>
        guard(ctx, opts.json, () =>
          runtime.withServices(async (deps) => {
            const devices = await findDevices(deps, operator, identifier, opts.customer);
            emit(ctx, opts.json, devices, () =>
              devices.map((d) => JSON.stringify(d, null, 2)).join('\n'),
            );
          }),
        ),
      );
    device
      .command('tag')
      .description('Set the group tag of devices; their profiles are re-evaluated at once')
      .argument('<ids...>', 'device ids')
      .requiredOption('--tag <tag>', 'the new group tag ("" removes it)')
      .option('--json', 'print JSON')
      .action((ids: string[], opts: { tag: string; json?: boolean }) =>
        guard(ctx, opts.json, () =>
          runtime.withServices(async (deps) => {
            const devices = await setGroupTag(deps, operator, { ids, groupTag: opts.tag });
            emit(ctx, opts.json, devices, () =>
              devices
                .map((d) => `${d.id}: tag ${d.groupTag ?? '(none)'}, profile ${d.profileStatus}`)
                .join('\n'),
            );
          }),
        ),
      );

    program
      .command('deregister')
      .description('Deregister a device so it can be registered again, by anyone with consent')
      .argument('<id>', 'device id')
      .option('--json', 'print JSON')
      .action((id: string, opts: { json?: boolean }) =>
        guard(ctx, opts.json, () =>
          runtime.withServices(async (deps) => {
            const removed = await deregisterDevice(deps, operator, id);
            emit(
              ctx,
              opts.json,
              removed,
              () => `Deregistered ${removed.serialNumber ?? removed.id}.`,
            );
          }),
        ),
      );
  };
}

/** Runs `preflight import`: exit 0 when every row registered, 1 when some failed, 2 when refused. */
async function importFile(
  ctx: CliContext,
  deps: ServiceDeps,
  file: string,
  fileName: string,
  opts: ImportOptions,
): Promise<void> {
  const intake = csvRows(fs.createReadStream(file), {
    fileName,
    batchGroupTag: opts.groupTag ?? null,
  });
  const target = { customer: opts.customer, registrar: opts.as };
  const submission = {
    source: 'cli' as const,
    fileName,
    groupTag: opts.groupTag ?? null,
    clientBatchId: opts.batchId ?? null,
    strictTags: Boolean(opts.strictTags),
    rows: intake.rows,
  };
  let batch: BatchView;
  let rows: BatchRowView[];
  try {
    if (opts.dryRun) {
      ({ batch, rows } = await dryRunBatch(deps, operator, target, submission));
    } else {
      const bar = progressBar(ctx.io, 'Registering', ctx.io.isTTY && !opts.json);
      const stored = await registerNow(deps, operator, target, submission, {
        onProgress: ({ done, total }) => bar.update(done, total),
      });
      bar.finish();
      batch = stored.batch;
      rows = await getBatchRows(deps, operator, batch.id);
    }
  } catch (error) {
    if (isPreflightError(error)) {
      if (opts.json) {
        ctx.io.out(
          JSON.stringify({
            error: { code: error.code, message: error.message, remedy: error.remedy },
          }),
        );
      }
      throw new CliExit(ExitCode.usage, `error: ${error.message} ${error.remedy} [${error.code}]`);
    }
    throw error;
  }
  const summary = intake.summary();
  emit(
    ctx,
    opts.json,
    {
      dryRun: Boolean(opts.dryRun),
      batch,
      file: summary
        ? { encoding: summary.encoding, layout: summary.layout, delimiter: summary.delimiter }
        : null,
      rows,
    },
    () => describeBatch(batch, rows, Boolean(opts.dryRun)),
  );
  if (batch.failedRows > 0) {
    throw new CliExit(ExitCode.refused, '');
  }
}

/** The human report of a batch: counts, then every row that failed or carries warnings. */
function describeBatch(batch: BatchView, rows: readonly BatchRowView[], dryRun: boolean): string {
  const verb = dryRun ? 'would register' : 'registered';
  const lines = [
    `${dryRun ? 'Dry run of' : 'Batch'} ${batch.id}${batch.clientBatchId ? ` (${batch.clientBatchId})` : ''}: ${batch.status}`,
    `${batch.registeredRows} of ${batch.totalRows} devices ${verb}, ${batch.failedRows} failed, ${batch.warningRows} with warnings.`,
  ];
  for (const row of rows) {
    const where = row.line !== null ? `line ${row.line}` : `row ${row.index + 1}`;
    const who = row.serialNumber ?? row.hashDigest?.slice(0, 12) ?? '';
    if (row.status === 'failed') {
      const ref = row.referenceName
        ? ` ${row.referenceCode ?? ''} ${row.referenceName}`.trimEnd()
        : '';
      lines.push(`  ✗ ${where} ${who}:${ref} ${row.message} → ${row.remedy}`);
    }
    for (const warning of row.warnings) {
      lines.push(`  ! ${where} ${who}: ${warning.message} → ${warning.hint}`);
    }
  }
  return lines.join('\n');
}
