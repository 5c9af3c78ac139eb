import {
  Badge,
  Body1,
  Link,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  ProgressBar,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { ArrowDownload20Regular } from '@fluentui/react-icons/svg/arrow-download';
import { useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import type { BatchInfo, BatchRowInfo, Page } from '../../../../src/services/portal/contract';
import { apiUrl } from '../../api/client';
import {
  AppLink,
  BatchStatusBadge,
  EmptyState,
  Loading,
  PageHeader,
  Pager,
  ProblemAlert,
  formatActor,
  formatDateTime,
  useApi,
} from '../../components';
import { useTableStyles } from '../../layout/tableStyles';
import { sourceLabel } from './BatchTable';

const pageSize = 50;
const pollMilliseconds = 1000;
const finishedStatuses: ReadonlySet<BatchInfo['status']> = new Set([
  'finished',
  'finished_with_errors',
  'failed',
]);

const useStyles = makeStyles({
  summary: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(140px, 1fr))',
    gap: tokens.spacingHorizontalM,
    margin: `${tokens.spacingVerticalM} 0`,
  },
  figure: {
    display: 'flex',
    flexDirection: 'column',
    padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground2,
  },
  figureValue: {
    fontSize: tokens.fontSizeHero700,
    fontWeight: tokens.fontWeightSemibold,
    lineHeight: 1.2,
  },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    gap: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalL}`,
    margin: `0 0 ${tokens.spacingVerticalL}`,
    '& dt': { color: tokens.colorNeutralForeground3 },
    '& dd': { margin: 0 },
  },
  progress: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  resultsHeading: { margin: `${tokens.spacingVerticalXL} 0 ${tokens.spacingVerticalS}` },
  remedy: { display: 'block', color: tokens.colorNeutralForeground3 },
});

export function BatchPage() {
  const styles = useStyles();
  const { batchId = '' } = useParams();
  const [offset, setOffset] = useState(0);
  const batch = useApi<BatchInfo>(`/batches/${encodeURIComponent(batchId)}`);
  const rows = useApi<Page<BatchRowInfo>>(`/batches/${encodeURIComponent(batchId)}/rows`, {
    offset,
    limit: pageSize,
  });
  const status = batch.data?.status;
  const running = status !== undefined && !finishedStatuses.has(status);
  const { reload: reloadBatch } = batch;
  const { reload: reloadRows } = rows;

  // Poll while the worker is on it; the effect's cleanup stops once it has finished, and
  // one last reload of the rows picks up the final outcomes.
  useEffect(() => {
    if (!running) {
      return;
    }
    const timer = window.setInterval(() => {
      reloadBatch();
      reloadRows();
    }, pollMilliseconds);
    return () => {
      window.clearInterval(timer);
      reloadRows();
    };
  }, [running, reloadBatch, reloadRows]);

  if (batch.error && !batch.data) {
    return (
      <>
        <PageHeader title="Batch" />
        <ProblemAlert error={batch.error} onRetry={batch.reload} />
      </>
    );
  }
  if (!batch.data) {
    return (
      <>
        <PageHeader title="Batch" />
        <Loading label="Loading the batch…" />
      </>
    );
  }

  const info = batch.data;
  const processed = info.registeredRows + info.failedRows;
  const fraction = finishedStatuses.has(info.status)
    ? 1
    : info.totalRows > 0
      ? processed / info.totalRows
      : undefined;

  return (
    <>
      <PageHeader
        title="Batch"
        actions={
          <Link href={apiUrl(`/batches/${encodeURIComponent(info.id)}/results.csv`)} download>
            <ArrowDownload20Regular style={{ verticalAlign: 'text-bottom', marginRight: 4 }} />
            Download results (CSV)
          </Link>
        }
      />
      <dl className={styles.facts}>
        <dt>Customer</dt>
        <dd>
          <CustomerName batch={info} />
        </dd>
        <dt>Registered by</dt>
        <dd>{info.registrar.displayName}</dd>
        <dt>Source</dt>
        <dd>{info.fileName ?? sourceLabel(info.source)}</dd>
        <dt>Group name</dt>
        <dd>{info.groupTag ?? 'None (from the file)'}</dd>
        <dt>Created</dt>
        <dd>
          {formatDateTime(info.createdAt)} by {formatActor(info.createdBy)}
        </dd>
        <dt>Finished</dt>
        <dd>{formatDateTime(info.finishedAt)}</dd>
      </dl>

      <div className={styles.progress}>
        <Text>
          <BatchStatusBadge status={info.status} />{' '}
          <span aria-live="polite">
            {processed.toLocaleString()} of {info.totalRows.toLocaleString()} devices processed
          </span>
        </Text>
        <ProgressBar
          aria-label="Batch progress"
          thickness="large"
          value={fraction}
          max={1}
          color={info.status === 'failed' ? 'error' : info.failedRows > 0 ? 'warning' : 'brand'}
        />
      </div>

      {info.failureReason ? (
        <div role="alert" style={{ marginTop: 12 }}>
          <MessageBar intent="error">
            <MessageBarBody>
              <MessageBarTitle>The batch failed</MessageBarTitle>
              {info.failureReason}
            </MessageBarBody>
          </MessageBar>
        </div>
      ) : null}

      <div className={styles.summary}>
        <Figure label="Devices" value={info.totalRows} />
        <Figure label="Registered" value={info.registeredRows} />
        <Figure label="Failed" value={info.failedRows} />
        <Figure label="With warnings" value={info.warningRows} />
      </div>

      <Text as="h2" size={500} weight="semibold" className={styles.resultsHeading} block>
        Results
      </Text>
      <Results resource={rows} onPage={setOffset} />
    </>
  );
}

function CustomerName({ batch }: { readonly batch: BatchInfo }) {
  // Registrars reach their customer's page; a customer is already home.
  return batch.registrar.kind === 'customer' ? (
    <>{batch.customer.displayName}</>
  ) : (
    <AppLink to={`/customers/${batch.customer.id}`}>{batch.customer.displayName}</AppLink>
  );
}

function Figure({ label, value }: { readonly label: string; readonly value: number }) {
  const styles = useStyles();
  return (
    <div className={styles.figure}>
      <span className={styles.figureValue}>{value.toLocaleString()}</span>
      <Body1>{label}</Body1>
    </div>
  );
}

const rowStatus = {
  pending: ['Pending', 'informative'],
  registered: ['Registered', 'success'],
  failed: ['Failed', 'danger'],
} as const;

function Results({
  resource,
  onPage,
}: {
  readonly resource: ReturnType<typeof useApi<Page<BatchRowInfo>>>;
  readonly onPage: (offset: number) => void;
}) {
  const styles = useStyles();
  const table = useTableStyles();
  const { data, error, loading, reload } = resource;
  if (error && !data) {
    return <ProblemAlert error={error} onRetry={reload} />;
  }
  if (!data) {
    return loading ? <Loading label="Loading results…" /> : null;
  }
  if (data.total === 0) {
    return <EmptyState title="No devices in this batch yet" />;
  }
  return (
    <>
      <div className={table.scroll}>
        <Table aria-label="Results" className={table.table} size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell style={{ width: 70 }}>Line</TableHeaderCell>
              <TableHeaderCell>Serial number</TableHeaderCell>
              <TableHeaderCell>Group tag</TableHeaderCell>
              <TableHeaderCell style={{ width: 110 }}>Status</TableHeaderCell>
              <TableHeaderCell>Profile</TableHeaderCell>
              <TableHeaderCell>Message</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {data.items.map((row) => {
              const [label, color] = rowStatus[row.status];
              return (
                <TableRow key={row.index}>
                  <TableCell>{row.line ?? row.index + 1}</TableCell>
                  <TableCell className={table.mono}>{row.serialNumber ?? '—'}</TableCell>
                  <TableCell>{row.groupTag ?? '—'}</TableCell>
                  <TableCell>
                    <Badge appearance="tint" color={color}>
                      {label}
                    </Badge>
                  </TableCell>
                  <TableCell>
                    {row.profile?.displayName ?? (row.status === 'registered' ? 'No profile' : '—')}
                  </TableCell>
                  <TableCell>
                    <RowMessage row={row} />
                    {row.remedy ? <span className={styles.remedy}>{row.remedy}</span> : null}
                    {row.warnings.map((warning) => (
                      <span key={warning.code} className={styles.remedy}>
                        Warning: {warning.message} {warning.hint}
                      </span>
                    ))}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </div>
      <Pager offset={data.offset} limit={data.limit} total={data.total} onChange={onPage} />
    </>
  );
}

function RowMessage({ row }: { readonly row: BatchRowInfo }) {
  if (!row.message) {
    return null;
  }
  const reference = row.referenceCode
    ? ` (${row.referenceCode}${row.referenceName ? ` ${row.referenceName}` : ''})`
    : '';
  return (
    <span>
      {row.message}
      {reference}
    </span>
  );
}
