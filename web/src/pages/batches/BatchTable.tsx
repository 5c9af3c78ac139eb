import {
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '@fluentui/react-components';
import type { BatchInfo } from '../../../../src/services/portal/contract';
import { AppLink, BatchStatusBadge, formatDateTime } from '../../components';
import { useTableStyles } from '../../layout/tableStyles';

export interface BatchTableProps {
  readonly batches: readonly BatchInfo[];
  /** Which organisation to name in the "for/by" column: customers see the registrar. */
  readonly counterpart: 'customer' | 'registrar' | 'none';
}

export function BatchTable({ batches, counterpart }: BatchTableProps) {
  const styles = useTableStyles();
  return (
    <div className={styles.scroll}>
      <Table aria-label="Batches" className={styles.table}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Created</TableHeaderCell>
            {counterpart === 'customer' ? <TableHeaderCell>Customer</TableHeaderCell> : null}
            {counterpart === 'registrar' ? <TableHeaderCell>Registered by</TableHeaderCell> : null}
            <TableHeaderCell>File</TableHeaderCell>
            <TableHeaderCell>Group name</TableHeaderCell>
            <TableHeaderCell>Status</TableHeaderCell>
            <TableHeaderCell className={styles.number}>Devices</TableHeaderCell>
            <TableHeaderCell className={styles.number}>Registered</TableHeaderCell>
            <TableHeaderCell className={styles.number}>Failed</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {batches.map((batch) => (
            <TableRow key={batch.id}>
              <TableCell>
                <AppLink to={`/batches/${batch.id}`}>{formatDateTime(batch.createdAt)}</AppLink>
              </TableCell>
              {counterpart === 'customer' ? (
                <TableCell>{batch.customer.displayName}</TableCell>
              ) : null}
              {counterpart === 'registrar' ? (
                <TableCell>{batch.registrar.displayName}</TableCell>
              ) : null}
              <TableCell>{batch.fileName ?? sourceLabel(batch.source)}</TableCell>
              <TableCell>{batch.groupTag ?? '—'}</TableCell>
              <TableCell>
                <BatchStatusBadge status={batch.status} />
              </TableCell>
              <TableCell className={styles.number}>{batch.totalRows.toLocaleString()}</TableCell>
              <TableCell className={styles.number}>
                {batch.registeredRows.toLocaleString()}
              </TableCell>
              <TableCell className={styles.number}>{batch.failedRows.toLocaleString()}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

/** Batches without a file came through the API or the CLI. */
export function sourceLabel(source: string): string {
  return source === 'portal'
    ? 'Portal upload'
    : source === 'cli'
      ? 'Command line'
      : source === 'api'
        ? 'API'
        : source;
}
