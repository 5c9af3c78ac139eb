import {
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
} from '@fluentui/react-components';
import { useState } from 'react';
import type { AuditEntry, Page } from '../../../../src/services/portal/contract';
import {
  EmptyState,
  Loading,
  PageHeader,
  Pager,
  ProblemAlert,
  formatDateTime,
  useApi,
} from '../../components';
import { usePageStyles } from './styles';
import { actorName } from './vocabulary';

const pageSize = 50;

/** Who changed what in the acting organisation, newest first. */
export function AuditPage() {
  const styles = usePageStyles();
  const [offset, setOffset] = useState(0);
  const audit = useApi<Page<AuditEntry>>('/audit', { offset, limit: pageSize });
  const page = audit.data;

  return (
    <div className={styles.stack}>
      <PageHeader title="Audit log" />
      <Text>
        Every change to your organisation’s devices, relationships, profiles and users, whoever made
        it, including your partners and OEMs.
      </Text>
      {audit.error ? (
        <ProblemAlert error={audit.error} onRetry={audit.reload} />
      ) : !page ? (
        <Loading label="Loading the audit log" />
      ) : page.total === 0 ? (
        <EmptyState title="Nothing recorded yet">
          <Text>Changes appear here as soon as they are made.</Text>
        </EmptyState>
      ) : (
        <div>
          <div className={styles.tableScroll}>
            <Table aria-label="Audit log" className={styles.wideTable}>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Time</TableHeaderCell>
                  <TableHeaderCell>Who</TableHeaderCell>
                  <TableHeaderCell>What</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {page.items.map((entry) => (
                  <TableRow key={entry.id}>
                    <TableCell className={styles.nowrap}>{formatDateTime(entry.at)}</TableCell>
                    <TableCell>{actorName(entry.actor)}</TableCell>
                    <TableCell>
                      <div className={styles.cellStack}>
                        <span>{entry.summary}</span>
                        <Text size={200} className={`${styles.muted} ${styles.code}`}>
                          {entry.action}
                        </Text>
                      </div>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
          <Pager offset={page.offset} limit={page.limit} total={page.total} onChange={setOffset} />
        </div>
      )}
    </div>
  );
}
