/**
 * Adding devices from a file in the portal: a preview that lists every problem of the
 * file and what each row would become, and the submission itself. Both read the file
 * through the same intake as the registration engine (`csvRows`), and the preview runs
 * the engine in a transaction that is rolled back, so the two always agree.
 * @module
 */
import { operator, type Actor } from '../../domain/actor.js';
import { checkCsv } from '../../csv/index.js';
import { checkGroupTag } from '../../domain/group-tag.js';
import { isPreflightError, PreflightError } from '../../domain/errors.js';
import type { ServiceDeps } from '../deps.js';
import type { BatchRowView } from '../registration/batch-view.js';
import { csvRows } from '../registration/csv-rows.js';
import { dryRunBatch, submitBatch } from '../registration/register.js';
import type { BatchSubmission } from '../registration/submit-batch.js';
import { customerAccess } from './customers.js';
import { toOrgRef } from './relationship-views.js';
import { batchInfo, profileRefs } from './views.js';
import type {
  BatchInfo,
  FileIssue,
  Preview,
  PreviewRow,
  PreviewVerdict,
  ProfileRef,
} from './contract.js';

/** A device file as uploaded, with the options chosen beside it. */
export interface DeviceUpload {
  readonly customerId: string;
  readonly bytes: Uint8Array;
  readonly fileName?: string | undefined;
  /** The group name: the tag of every row without one of its own. */
  readonly groupTag?: string | undefined;
  readonly strictTags?: boolean | undefined;
}

/** Rows a preview lists; the counts cover every row. */
export const previewRowsListed = 5000;

const defaultFileName = 'devices.csv';

/**
 * What submitting the file would do, stored nowhere. Readers may preview: the dry run
 * acts for their organisation (whose consent it checks), not with their role, because
 * it changes nothing. A file that cannot be read at all still gets a preview, with
 * `file.ok` false and the reasons among the issues.
 */
export async function previewUpload(
  deps: ServiceDeps,
  actor: Actor,
  upload: DeviceUpload,
): Promise<Preview> {
  const { registrar, customer } = await customerAccess(deps, actor, upload.customerId, [
    'register_devices',
  ]);
  const fileName = upload.fileName?.trim() || defaultFileName;
  const report = await checkCsv(upload.bytes);
  const issues: FileIssue[] = report.issues.map((i) => ({
    severity: i.severity,
    code: i.code,
    line: i.line,
    column: i.column,
    message: i.message,
    hint: i.hint,
  }));
  let rows: BatchRowView[] = [];
  let fileOk = true;
  try {
    rows = (
      await dryRunBatch(
        deps,
        operator,
        { customer: customer.id, registrar: registrar.id },
        submission(upload, fileName),
      )
    ).rows;
  } catch (error) {
    if (!isPreflightError(error) || !fileWide.has(error.code)) {
      throw error;
    }
    fileOk = false;
    if (error.code === 'batch.empty' && !issues.some((i) => i.severity === 'error')) {
      issues.push({
        severity: 'error',
        code: 'batch.empty',
        line: report.lines,
        column: null,
        message: 'The file has no device rows.',
        hint: 'Add one line per device below the header, or download the sample file to see how.',
      });
    }
  }
  const profiles = await profileRefs(deps.store.repos, customer.id);
  const verdicts = rows.map((row) => previewRow(row, profiles));
  const counts = {
    would_register: 0,
    already_registered: 0,
    other_customer: 0,
    duplicate: 0,
    invalid: 0,
    warnings: 0,
  };
  for (const row of verdicts) {
    counts[row.verdict] += 1;
    if (row.warnings.length > 0) {
      counts.warnings += 1;
    }
  }
  return {
    file: {
      ok: fileOk,
      fileName,
      layout: report.layout,
      encoding: report.encoding,
      delimiter: report.delimiter,
      devices: report.devices,
    },
    issues,
    rows: verdicts.slice(0, previewRowsListed),
    counts,
  };
}

/**
 * Queues the file's devices for registration (admins and agents). A file that cannot be
 * read is refused whole (`csv.file_rejected`), and nothing of it is stored.
 */
export async function submitUpload(
  deps: ServiceDeps,
  actor: Actor,
  upload: DeviceUpload,
): Promise<BatchInfo> {
  const { registrar, customer } = await customerAccess(deps, actor, upload.customerId, [
    'register_devices',
  ]);
  const fileName = upload.fileName?.trim() || defaultFileName;
  const { batch } = await submitBatch(
    deps,
    actor,
    { customer: customer.id },
    submission(upload, fileName),
  );
  return batchInfo(batch, toOrgRef(registrar), toOrgRef(customer));
}

/** Errors that refuse a file as a whole rather than a row of it. */
const fileWide = new Set(['csv.file_rejected', 'batch.empty', 'batch.too_large']);

function submission(upload: DeviceUpload, fileName: string): BatchSubmission {
  const groupTag = groupName(upload.groupTag);
  return {
    source: 'portal',
    fileName,
    groupTag,
    strictTags: upload.strictTags ?? false,
    rows: csvRows(upload.bytes, { fileName, batchGroupTag: groupTag }).rows,
  };
}

/** The group name as a tag: trimmed, empty for none, refused when no rule could match it. */
/**
 * The group name as typed, or null when blank. Kept exactly, spaces included, as every
 * other way in keeps a tag: matching is exact, so trimming would silently change which
 * profile the devices get. Spaces around it make a near miss the preview warns about.
 */
function groupName(value: string | undefined): string | null {
  const tag = value ?? '';
  if (tag.trim() === '') {
    return null;
  }
  const problems = checkGroupTag(tag).filter((p) => p !== 'surrounding_whitespace');
  if (problems.length > 0) {
    throw new PreflightError(
      'input.invalid',
      `The group name "${tag}" cannot be a group tag (${problems.join(', ')}).`,
      { field: 'groupTag' },
      'Use letters, digits, - and _, at most 128 characters.',
    );
  }
  return tag;
}

function previewRow(row: BatchRowView, profiles: ReadonlyMap<string, ProfileRef>): PreviewRow {
  return {
    line: row.line,
    serialNumber: row.serialNumber,
    groupTag: row.groupTag,
    verdict: verdictOf(row),
    code: row.code,
    referenceCode: row.referenceCode,
    referenceName: row.referenceName,
    message: row.message,
    remedy: row.remedy,
    profile: (row.profileId && profiles.get(row.profileId)) || null,
    warnings: row.warnings.map((w) => ({ code: w.code, message: w.message, hint: w.hint })),
  };
}

/** Failures with a verdict of their own; every other failure makes the row invalid. */
const verdictsByCode: Readonly<Record<string, PreviewVerdict>> = {
  'device.already_registered_here': 'already_registered',
  'device.registered_to_other_customer': 'other_customer',
  'device.duplicate_in_request': 'duplicate',
};

function verdictOf(row: BatchRowView): PreviewVerdict {
  if (row.status === 'registered') {
    return 'would_register';
  }
  return (row.code !== null && verdictsByCode[row.code]) || 'invalid';
}
