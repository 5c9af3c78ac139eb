import {
  Field,
  SearchBox,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { CustomerSummary, Page } from '../../../../src/services/portal/contract';
import {
  AppLink,
  EmptyState,
  Loading,
  PageHeader,
  Pager,
  ProblemAlert,
  RelationshipStatusBadge,
  useApi,
} from '../../components';
import { useTableStyles } from '../../layout/tableStyles';
import { useDebounced } from '../../layout/useDebounced';
import { permissionLabels } from './vocabulary';

const pageSize = 50;

export function CustomersPage() {
  const table = useTableStyles();
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const searched = useDebounced(search.trim(), 250);
  useEffect(() => setOffset(0), [searched]);
  const customers = useApi<Page<CustomerSummary>>('/customers', {
    search: searched,
    offset,
    limit: pageSize,
  });
  const { data, error, loading, reload } = customers;

  return (
    <>
      <PageHeader title="Customers" />
      <div className={table.toolbar}>
        <Field label="Search customers" style={{ minWidth: 280 }}>
          <SearchBox
            value={search}
            placeholder="Name or domain"
            onChange={(_, change) => setSearch(change.value)}
          />
        </Field>
      </div>
      {error && !data ? <ProblemAlert error={error} onRetry={reload} /> : null}
      {!data && loading ? <Loading label="Loading customers…" /> : null}
      {data && data.total === 0 ? (
        searched ? (
          <EmptyState title="No customers match">
            <p>Nothing matches “{searched}”. Try part of the name or the domain.</p>
          </EmptyState>
        ) : (
          <EmptyState title="No customers yet">
            <p>
              A customer appears here once it accepts your invitation. Invite one from{' '}
              <AppLink to="/relationships">Relationships</AppLink>.
            </p>
          </EmptyState>
        )
      ) : null}
      {data && data.total > 0 ? (
        <>
          <ProblemAlert error={error} onRetry={reload} />
          <div className={table.scroll}>
            <Table aria-label="Customers" className={table.table}>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Name</TableHeaderCell>
                  <TableHeaderCell>Domain</TableHeaderCell>
                  <TableHeaderCell>Relationship</TableHeaderCell>
                  <TableHeaderCell>You may</TableHeaderCell>
                  <TableHeaderCell className={table.number}>Devices</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {data.items.map((customer) => (
                  <TableRow key={customer.id}>
                    <TableCell>
                      <AppLink to={`/customers/${customer.id}`}>{customer.displayName}</AppLink>
                    </TableCell>
                    <TableCell>{customer.domain ?? '—'}</TableCell>
                    <TableCell>
                      <RelationshipStatusBadge status={customer.relationship.status} />
                    </TableCell>
                    <TableCell className={table.secondary}>
                      {customer.relationship.permissions
                        .map((permission) => permissionLabels[permission])
                        .join(', ') || '—'}
                    </TableCell>
                    <TableCell className={table.number}>
                      {customer.devices.toLocaleString()}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
          <Pager offset={data.offset} limit={data.limit} total={data.total} onChange={setOffset} />
        </>
      ) : null}
    </>
  );
}
