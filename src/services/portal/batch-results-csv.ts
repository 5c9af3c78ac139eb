/**
 * A batch's outcome as a CSV file to download: one line per row, in row order, so the
 * person who uploaded a file can line the results up with it.
 * @module
 */
import type { Actor } from '../../domain/actor.js';
import { formatCsvLine } from '../../csv/index.js';
import type { ServiceDeps } from '../deps.js';
import { getBatch, getBatchRows } from '../registration/register.js';
import { profileRefs } from './views.js';

export const resultsCsvHeader = [
  'Line',
  'Serial number',
  'Group tag',
  'Status',
  'Code',
  'Reference code',
  'Reference name',
  'Message',
  'Remedy',
  'Profile',
] as const;

/** Rows read per query while the file is written. */
const rowsPerRead = 2000;

/** The results file of a batch visible to `actor`: its name, and its lines as they are read. */
export async function batchResultsCsv(
  deps: ServiceDeps,
  actor: Actor,
  batchId: string,
): Promise<{ fileName: string; lines: AsyncIterable<string> }> {
  // Read first, so an invisible batch is a 404 before any of the file is sent.
  const batch = await getBatch(deps, actor, batchId);
  const profiles = await profileRefs(deps.store.repos, batch.customerOrgId);
  const base = (batch.fileName ?? `batch-${batch.id}`).replace(/\.(csv|txt)$/i, '');
  async function* lines(): AsyncGenerator<string> {
    yield `${formatCsvLine(resultsCsvHeader)}\r\n`;
    for (let offset = 0; ; offset += rowsPerRead) {
      const rows = await getBatchRows(deps, actor, batchId, { offset, limit: rowsPerRead });
      for (const row of rows) {
        const profile = row.profileId ? profiles.get(row.profileId) : undefined;
        const values = [
          row.line === null ? '' : String(row.line),
          row.serialNumber ?? '',
          row.groupTag ?? '',
          row.status,
          row.code ?? '',
          row.referenceCode ?? '',
          row.referenceName ?? '',
          row.message ?? '',
          row.remedy ?? '',
          profile?.displayName ?? '',
        ];
        yield `${formatCsvLine(values.map(inertInSpreadsheets))}\r\n`;
      }
      if (rows.length < rowsPerRead) {
        return;
      }
    }
  }
  return { fileName: `${base}-results.csv`, lines: lines() };
}

/**
 * A value that a spreadsheet would run as a formula (it starts with =, +, -, @ or a
 * control character) gets a leading apostrophe. Serial numbers and tags come from the
 * uploaded file, and the customer opens this file too: one organisation's input must not
 * become a formula on another's machine.
 */
export function inertInSpreadsheets(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
