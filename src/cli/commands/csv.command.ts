/**
 * `preflight csv check|fix|sample`: the CSV intake from a shell. Runs locally, no server
 * or database. Exit codes: 0 the file is importable (warnings allowed) or was fully fixed,
 * 1 it has errors (or rows were left out of the fixed file), 2 it cannot be read (missing,
 * not a file, not text) or the arguments are wrong.
 * @module
 */
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { createWriteStream, type WriteStream } from 'node:fs';
import { open, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import {
  checkCsv,
  delimiterName,
  encodingName,
  fixCsv,
  layoutById,
  sampleCsv,
  type CsvIssue,
  type CsvReport,
  type FixResult,
  type LayoutId,
} from '../../csv/index.js';
import { hashPreview } from '../../domain/hardware-hash.js';
import type { CliContext } from '../context.js';
import { CliExit, ExitCode } from '../exit.js';
import type { CommandGroup } from '../program.js';

/** Read files in 1 MiB chunks: few chunk boundaries, bounded memory. */
const READ_CHUNK = 1 << 20;

/** Adds `preflight csv …` to the program. */
export const registerCsvCommands: CommandGroup = (program: Command, ctx: CliContext) => {
  const csv = program.command('csv').description('Device lists (CSV): check, fix, sample');

  csv
    .command('check')
    .description('Check a device list: every problem with its line, column and what to do')
    .argument('<file>', 'CSV file (Intune, Partner Center or Managed Desktop layout)')
    .option('--json', 'print one JSON object')
    .option('--records', 'also list the device lines that would be imported')
    .action(async (file: string, opts: { json?: boolean; records?: boolean }) => {
      const report = await withInput(ctx, file, (source) =>
        checkCsv(source, { records: opts.records ?? false }),
      );
      if (opts.json) {
        ctx.io.out(JSON.stringify(reportJson(report, opts.records ?? false), null, 2));
      } else {
        ctx.io.out(renderReport(ctx, file, report, opts.records ?? false));
      }
      exitFor(report);
    });

  csv
    .command('fix')
    .description(
      'Write a clean file the reference accepts; rows with errors are left out and listed',
    )
    .argument('<file>', 'CSV file to fix')
    .requiredOption('-o, --output <out>', 'file to write (UTF-8, CRLF, exact header)')
    .addOption(
      new Option('--layout <layout>', "layout to write (default: the file's own)").choices([
        'intune',
        'partner-center',
      ]),
    )
    .action(
      async (file: string, opts: { output: string; layout?: 'intune' | 'partner-center' }) => {
        const input = path.resolve(ctx.cwd, file);
        const output = path.resolve(ctx.cwd, opts.output);
        if (
          (await realpath(output).catch(() => output)) ===
          (await realpath(input).catch(() => input))
        ) {
          throw new CliExit(
            ExitCode.usage,
            'error: the output must be another file than the input',
          );
        }
        const sink = new LazyFile(output, opts.output);
        let result: FixResult;
        try {
          result = await withInput(ctx, file, (source) =>
            fixCsv(source, (text) => sink.write(text), opts.layout ? { layout: opts.layout } : {}),
          );
          await sink.commit();
        } catch (error) {
          await sink.discard();
          throw error;
        }
        ctx.io.out(renderFix(ctx, file, opts.output, result));
        if (result.report.issues.some((issue) => issue.code === 'csv.file.not_text')) {
          throw new CliExit(ExitCode.usage, '');
        }
        if (!result.complete) {
          throw new CliExit(ExitCode.refused, '');
        }
      },
    );

  csv
    .command('sample')
    .description('Print a sample device list')
    .addOption(
      new Option('--layout <layout>', 'layout of the sample')
        .choices(['intune', 'partner-center', 'managed-desktop'])
        .default('intune'),
    )
    .action((opts: { layout: LayoutId }) => {
      ctx.io.out(sampleCsv(opts.layout));
    });
};

/** Opens `file` for streaming; a file that cannot be read is exit code 2. */
async function withInput<T>(
  ctx: CliContext,
  file: string,
  work: (source: AsyncIterable<Uint8Array>) => Promise<T>,
): Promise<T> {
  const resolved = path.resolve(ctx.cwd, file);
  const info = await stat(resolved).catch((error: unknown) => {
    throw new CliExit(ExitCode.usage, `error: cannot read ${file}: ${reason(error)}`);
  });
  if (!info.isFile()) {
    throw new CliExit(ExitCode.usage, `error: cannot read ${file}: not a file`);
  }
  const handle = await open(resolved, 'r').catch((error: unknown) => {
    throw new CliExit(ExitCode.usage, `error: cannot read ${file}: ${reason(error)}`);
  });
  try {
    return await work(handle.createReadStream({ highWaterMark: READ_CHUNK, autoClose: false }));
  } catch (error) {
    // A system error (EIO, EISDIR…) while reading is "cannot be read"; anything else is a bug.
    if (
      typeof (error as { code?: unknown } | null)?.code === 'string' &&
      !(error instanceof CliExit)
    ) {
      throw new CliExit(ExitCode.usage, `error: cannot read ${file}: ${reason(error)}`);
    }
    throw error;
  } finally {
    await handle.close();
  }
}

function reason(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'ENOENT') {
    return 'no such file';
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return 'permission denied';
  }
  return error instanceof Error ? error.message : String(error);
}

function exitFor(report: CsvReport): void {
  if (report.issues.some((issue) => issue.code === 'csv.file.not_text')) {
    throw new CliExit(ExitCode.usage, '');
  }
  if (!report.ok) {
    throw new CliExit(ExitCode.refused, '');
  }
}

/** The `--json` shape of `csv check` (documented in docs/csv.md). */
function reportJson(report: CsvReport, withRecords: boolean) {
  return {
    ok: report.ok,
    layout: report.layout,
    encoding: report.encoding,
    delimiter: report.delimiter,
    devices: report.devices,
    issues: report.issues.map(({ severity, code, line, column, message, hint }) => ({
      severity,
      code,
      line,
      column,
      message,
      hint,
    })),
    ...(withRecords
      ? { records: (report.records ?? []).map(({ line, fields }) => ({ line, fields })) }
      : {}),
  };
}

interface Paint {
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  dim(text: string): string;
}

/** ANSI colours on a terminal, unless NO_COLOR is set (no-color.org). */
function paint(ctx: CliContext): Paint {
  const on = ctx.io.isTTY && !ctx.env.NO_COLOR;
  const wrap = (code: number, reset: number) => (text: string) =>
    on ? `\u001b[${code}m${text}\u001b[${reset}m` : text;
  return { red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39), dim: wrap(2, 22) };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function renderIssue(issue: CsvIssue, p: Paint): string[] {
  const severity = issue.severity === 'error' ? p.red('error  ') : p.yellow('warning');
  const where = `line ${issue.line}${issue.column ? `, ${issue.column}` : ''}`;
  return [
    `  ${severity} ${where}: ${issue.message} ${p.dim(`[${issue.code}]`)}`,
    `          ${p.dim('→')} ${issue.hint}`,
  ];
}

function renderReport(
  ctx: CliContext,
  file: string,
  report: CsvReport,
  withRecords: boolean,
): string {
  const p = paint(ctx);
  const layout = report.layout ? `${layoutById(report.layout).title} layout` : 'no known layout';
  const lines = [
    `${file}: ${layout}, ${encodingName(report.encoding)}, ${delimiterName(report.delimiter)}-separated, ${report.lineEnding.toUpperCase()} line endings, ${plural(report.lines, 'line')}`,
  ];
  for (const issue of report.issues) {
    lines.push(...renderIssue(issue, p));
  }
  if (withRecords) {
    for (const record of report.records ?? []) {
      const fields = Object.entries(record.fields)
        .filter(([, value]) => value !== '')
        .map(
          ([name, value]) =>
            `${name}=${value === record.device.hardwareHash ? hashPreview(value) : value}`,
        );
      lines.push(`  line ${record.line}: ${fields.join('  ')}`);
    }
  }
  const errors = report.issues.filter((issue) => issue.severity === 'error').length;
  const warnings = report.issues.length - errors;
  lines.push(
    report.ok
      ? p.green(
          `OK: ${plural(report.devices, 'device')} can be imported${warnings ? ` (${plural(warnings, 'warning')})` : ''}.`,
        )
      : p.red(
          `NOT OK: ${plural(errors, 'error')}${warnings ? `, ${plural(warnings, 'warning')}` : ''}; ${report.devices} of ${plural(report.rows, 'device line')} can be imported. Fix the errors and check again.`,
        ),
  );
  return lines.join('\n');
}

function renderFix(ctx: CliContext, file: string, output: string, result: FixResult): string {
  const p = paint(ctx);
  if (!result.layout) {
    const lines = [`${file}: nothing written, the file is not a device list.`];
    for (const issue of result.report.issues) {
      lines.push(...renderIssue(issue, p));
    }
    return lines.join('\n');
  }
  const lines = [
    `Wrote ${output}: ${plural(result.written, 'device')}, ${layoutById(result.layout).title} layout, UTF-8 without BOM, CRLF.`,
  ];
  if (result.changes.length > 0) {
    lines.push('Changes:');
    for (const change of result.changes) {
      const where =
        change.line === null
          ? ''
          : `line ${change.line}${change.column ? `, ${change.column}` : ''}: `;
      lines.push(`  - ${where}${change.message}`);
    }
  }
  if (result.leftOut.length > 0) {
    lines.push(p.red(`Left out (${plural(result.leftOut.length, 'line')} with errors):`));
    for (const row of result.leftOut) {
      for (const issue of row.issues) {
        lines.push(...renderIssue(issue, p));
      }
    }
  }
  const fileErrors = result.fileIssues.filter((issue) => issue.severity === 'error');
  if (!result.complete && fileErrors.length > 0) {
    lines.push(p.red('File-wide errors:'));
    for (const issue of fileErrors) {
      lines.push(...renderIssue(issue, p));
    }
  }
  lines.push(
    result.complete
      ? p.green(`OK: every device line of ${file} was written.`)
      : p.red(`NOT COMPLETE: fix the errors above in ${file} and run again.`),
  );
  return lines.join('\n');
}

/**
 * The output file, created on first write under a temporary name and renamed at the end,
 * so a failed run never leaves a half-written OUT. A file that cannot be written is
 * exit code 2.
 */
class LazyFile {
  readonly #path: string;
  readonly #shown: string;
  readonly #temp: string;
  #stream: WriteStream | null = null;
  #error: Error | null = null;

  constructor(target: string, shown: string) {
    this.#path = target;
    this.#shown = shown;
    this.#temp = `${target}.${process.pid}.tmp`;
  }

  async write(text: string): Promise<void> {
    if (!this.#stream) {
      const stream = createWriteStream(this.#temp, { encoding: 'utf8' });
      // Without a listener an 'error' event would end the process.
      stream.on('error', (error) => {
        this.#error = error;
      });
      this.#stream = stream;
    }
    this.#failed();
    if (!this.#stream.write(text)) {
      await once(this.#stream, 'drain').catch(() => undefined);
      this.#failed();
    }
  }

  async commit(): Promise<void> {
    if (this.#stream) {
      const stream = this.#stream;
      stream.end();
      await finished(stream).catch(() => undefined);
      this.#failed();
      await rename(this.#temp, this.#path).catch((error: unknown) => {
        throw this.#cannotWrite(error);
      });
    }
  }

  async discard(): Promise<void> {
    if (this.#stream) {
      this.#stream.destroy();
      await rm(this.#temp, { force: true });
    }
  }

  #failed(): void {
    if (this.#error) {
      throw this.#cannotWrite(this.#error);
    }
  }

  #cannotWrite(error: unknown): CliExit {
    return new CliExit(ExitCode.usage, `error: cannot write ${this.#shown}: ${reason(error)}`);
  }
}
