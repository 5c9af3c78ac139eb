import type { BatchRowView, BatchView } from '../services/registration/batch-view.js';
import type { BatchRowPages } from '../services/registration/register.js';
import type { CliContext } from './context.js';

/** Rows read and printed at a time: a batch of a million rows is never held whole. */
const pageRows = 5000;

/**
 * Prints a batch and its rows, reading the rows a page at a time.
 *
 * - With `json`: one JSON document, the fields of `head` and then `rows` (one row a line).
 * - Otherwise: the batch's counts, then every row that failed or carries warnings.
 */
export async function printBatchReport(
  ctx: CliContext,
  report: {
    readonly json: boolean;
    readonly batch: BatchView;
    readonly dryRun: boolean;
    /** The JSON document's fields before `rows`. */
    readonly head: Readonly<Record<string, unknown>>;
    readonly pageRows?: number;
  },
  pages: BatchRowPages,
): Promise<void> {
  const { batch, dryRun } = report;
  if (report.json) {
    const fields = Object.entries(report.head).map(
      ([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`,
    );
    ctx.io.out(`{${[...fields, '"rows":['].join(',')}`);
    let first = true;
    for await (const rows of eachPage(pages, report.pageRows ?? pageRows)) {
      ctx.io.out(`${first ? '' : ','}${rows.map((row) => JSON.stringify(row)).join(',\n')}`);
      first = false;
    }
    ctx.io.out(']}');
    return;
  }
  const verb = dryRun ? 'would register' : 'registered';
  ctx.io.out(
    [
      `${dryRun ? 'Dry run of' : 'Batch'} ${batch.id}${batch.clientBatchId ? ` (${batch.clientBatchId})` : ''}: ${batch.status}`,
      `${batch.registeredRows} of ${batch.totalRows} devices ${verb}, ${batch.failedRows} failed, ${batch.warningRows} with warnings.`,
    ].join('\n'),
  );
  for await (const rows of eachPage(pages, report.pageRows ?? pageRows)) {
    const lines = rows.flatMap(problemLines);
    if (lines.length > 0) {
      ctx.io.out(lines.join('\n'));
    }
  }
}

async function* eachPage(pages: BatchRowPages, limit: number): AsyncGenerator<BatchRowView[]> {
  for (let offset = 0; ; offset += limit) {
    const rows = await pages({ offset, limit });
    if (rows.length > 0) {
      yield rows;
    }
    if (rows.length < limit) {
      return;
    }
  }
}

/** A row's failure and warnings, one line each, with where it is and what to do. */
function problemLines(row: BatchRowView): string[] {
  const where = row.line !== null ? `line ${row.line}` : `row ${row.index + 1}`;
  const who = row.serialNumber ?? row.hashDigest?.slice(0, 12) ?? '';
  const lines: string[] = [];
  if (row.status === 'failed') {
    const ref = row.referenceName
      ? ` ${row.referenceCode ?? ''} ${row.referenceName}`.trimEnd()
      : '';
    lines.push(`  ✗ ${where} ${who}:${ref} ${row.message} → ${row.remedy}`);
  }
  for (const warning of row.warnings) {
    lines.push(`  ! ${where} ${who}: ${warning.message} → ${warning.hint}`);
  }
  return lines;
}
