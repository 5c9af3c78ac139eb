import { useState } from 'react';
import type { BatchInfo, Page } from '../../../../src/services/portal/contract';
import { EmptyState, Loading, PageHeader, Pager, ProblemAlert, useApi } from '../../components';
import { useSession } from '../../session';
import { BatchTable } from './BatchTable';

const pageSize = 50;

export function BatchesPage() {
  const { session } = useSession();
  const [offset, setOffset] = useState(0);
  const batches = useApi<Page<BatchInfo>>('/batches', { offset, limit: pageSize });
  const isCustomer = session?.organisation?.kind === 'customer';

  return (
    <>
      <PageHeader title="Batches" />
      <BatchList
        resource={batches}
        counterpart={isCustomer ? 'registrar' : 'customer'}
        onPage={setOffset}
        empty={
          isCustomer
            ? 'Batches appear here when a partner or OEM registers devices for you.'
            : 'Open a customer and choose Add devices to register your first batch.'
        }
      />
    </>
  );
}

export interface BatchListProps {
  readonly resource: ReturnType<typeof useApi<Page<BatchInfo>>>;
  readonly counterpart: 'customer' | 'registrar' | 'none';
  readonly onPage: (offset: number) => void;
  readonly empty: string;
}

/** Loading, error, empty and paged states of a batch list (also the customer page's tab). */
export function BatchList({ resource, counterpart, onPage, empty }: BatchListProps) {
  const { data, error, loading, reload } = resource;
  if (error && !data) {
    return <ProblemAlert error={error} onRetry={reload} />;
  }
  if (!data) {
    return loading ? <Loading label="Loading batches…" /> : null;
  }
  if (data.total === 0) {
    return (
      <EmptyState title="No batches yet">
        <p>{empty}</p>
      </EmptyState>
    );
  }
  return (
    <>
      <ProblemAlert error={error} onRetry={reload} />
      <BatchTable batches={data.items} counterpart={counterpart} />
      <Pager offset={data.offset} limit={data.limit} total={data.total} onChange={onPage} />
    </>
  );
}
