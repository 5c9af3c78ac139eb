import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { operator } from '../../domain/actor.js';
import { isPreflightError } from '../../domain/errors.js';
import type { ServiceDeps } from '../../services/deps.js';
import { deregisterDevice, findDevices, listDevices, setGroupTag } from '../../services/devices.js';
import type { BatchView } from '../../services/registration/batch-view.js';
import { csvRows } from '../../services/registration/csv-rows.js';
import {
  dryRunBatchWith,
  getBatch,
  getBatchRows,
  registerNow,
  type BatchRowPages,
} from '../../services/registration/register.js';
import { printBatchReport } from '../batch-report.js';
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
            await printBatchReport(
              ctx,
              { json: Boolean(opts.json), batch, dryRun: false, head: { ...batch } },
              (page) => getBatchRows(deps, operator, id, page),
            );
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
  // The report is printed a page of rows at a time; a dry run's rows exist only inside
  // its transaction, so it is printed before that is rolled back.
  const report = async (batch: BatchView, pages: BatchRowPages): Promise<BatchView> => {
    const summary = intake.summary();
    await printBatchReport(
      ctx,
      {
        json: Boolean(opts.json),
        batch,
        dryRun: Boolean(opts.dryRun),
        head: {
          dryRun: Boolean(opts.dryRun),
          batch,
          file: summary
            ? { encoding: summary.encoding, layout: summary.layout, delimiter: summary.delimiter }
            : null,
        },
      },
      pages,
    );
    return batch;
  };
  let batch: BatchView;
  try {
    if (opts.dryRun) {
      batch = await dryRunBatchWith(deps, operator, target, submission, report);
    } else {
      const bar = progressBar(ctx.io, 'Registering', ctx.io.isTTY && !opts.json);
      const stored = await registerNow(deps, operator, target, submission, {
        onProgress: ({ done, total }) => bar.update(done, total),
      });
      bar.finish();
      batch = await report(stored.batch, (page) =>
        getBatchRows(deps, operator, stored.batch.id, page),
      );
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
  if (batch.failedRows > 0) {
    throw new CliExit(ExitCode.refused, '');
  }
}
