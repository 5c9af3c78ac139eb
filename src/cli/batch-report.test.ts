import { describe, expect, it } from 'vitest';
import type { BatchRowView, BatchView } from '../services/registration/batch-view.js';
import type { BatchRowPages } from '../services/registration/register.js';
import { printBatchReport } from './batch-report.js';
import type { CliContext } from './context.js';

const batch: BatchView = {
  id: 'b-1',
  clientBatchId: 'PO-7',
  registrarOrgId: 'p',
  customerOrgId: 'c',
  status: 'finished_with_errors',
  source: 'cli',
  fileName: 'devices.csv',
  groupTag: null,
  strictTags: false,
  totalRows: 7,
  registeredRows: 5,
  failedRows: 1,
  warningRows: 1,
  createdAt: '2026-11-30T08:00:00.000Z',
  createdBy: 'operator',
  startedAt: null,
  finishedAt: null,
  failureReason: null,
  deviceBatchName: null,
};

function row(index: number, outcome: Partial<BatchRowView> = {}): BatchRowView {
  return {
    index,
    line: index + 2,
    serialNumber: `SN${index}`,
    productKeyId: null,
    manufacturer: null,
    model: null,
    groupTag: null,
    hashDigest: null,
    status: 'registered',
    deviceId: `d-${index}`,
    profileId: null,
    code: null,
    referenceCode: null,
    referenceName: null,
    message: null,
    remedy: null,
    warnings: [],
    ...outcome,
  };
}

/** Rows in pages, recording which pages were asked for. */
function pagesOf(rows: readonly BatchRowView[]) {
  const asked: [number, number][] = [];
  const pages: BatchRowPages = async ({ offset, limit }) => {
    asked.push([offset, limit]);
    return rows.slice(offset, offset + limit);
  };
  return { pages, asked };
}

function recorder(): { ctx: CliContext; text: () => string } {
  const out: string[] = [];
  const ctx: CliContext = {
    io: { out: (text) => out.push(text), err: () => undefined, isTTY: false },
    env: {},
    cwd: '/',
  };
  return { ctx, text: () => out.map((t) => (t.endsWith('\n') ? t : `${t}\n`)).join('') };
}

const rows = [
  row(0),
  row(1),
  row(2, {
    status: 'failed',
    deviceId: null,
    code: 'device.registered_to_other_customer',
    referenceCode: '808',
    referenceName: 'ZtdDeviceAssignedToOtherTenant',
    message: 'Another customer holds this device.',
    remedy: 'Ask the customer to deregister it.',
  }),
  row(3),
  row(4),
  row(5, {
    warnings: [
      {
        severity: 'warning',
        code: 'tag.near_miss',
        field: 'groupTag',
        message: 'Group tag "sales" matches no profile rule.',
        hint: 'Did you mean "Sales"?',
      },
    ],
  }),
  row(6),
];

describe('printBatchReport', () => {
  it('prints every row as one JSON document, reading them a page at a time', async () => {
    const { ctx, text } = recorder();
    const { pages, asked } = pagesOf(rows);
    await printBatchReport(
      ctx,
      { json: true, batch, dryRun: true, head: { dryRun: true, batch, file: null }, pageRows: 3 },
      pages,
    );
    expect(JSON.parse(text())).toEqual(
      JSON.parse(JSON.stringify({ dryRun: true, batch, file: null, rows })),
    );
    expect(asked).toEqual([
      [0, 3],
      [3, 3],
      [6, 3],
    ]);
  });

  it('stays one JSON document when the rows fill their pages exactly, or there are none', async () => {
    for (const some of [rows.slice(0, 6), []]) {
      const { ctx, text } = recorder();
      await printBatchReport(
        ctx,
        { json: true, batch, dryRun: false, head: { ...batch }, pageRows: 3 },
        pagesOf(some).pages,
      );
      expect(JSON.parse(text())).toEqual(JSON.parse(JSON.stringify({ ...batch, rows: some })));
    }
  });

  it('prints the counts, then the failures and warnings of every page with their lines', async () => {
    const { ctx, text } = recorder();
    await printBatchReport(
      ctx,
      { json: false, batch, dryRun: true, head: {}, pageRows: 3 },
      pagesOf(rows).pages,
    );
    expect(text().split('\n')).toEqual([
      'Dry run of b-1 (PO-7): finished_with_errors',
      '5 of 7 devices would register, 1 failed, 1 with warnings.',
      '  ✗ line 4 SN2: 808 ZtdDeviceAssignedToOtherTenant Another customer holds this device. → Ask the customer to deregister it.',
      '  ! line 7 SN5: Group tag "sales" matches no profile rule. → Did you mean "Sales"?',
      '',
    ]);
  });
});
