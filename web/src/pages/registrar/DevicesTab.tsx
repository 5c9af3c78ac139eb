import {
  Field,
  Input,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { DeviceInfo, Page } from '../../../../src/services/portal/contract';
import {
  AppLink,
  EmptyState,
  Loading,
  Pager,
  ProblemAlert,
  ProfileStatusBadge,
  formatDateTime,
  profileStatusLabels,
  useApi,
} from '../../components';
import { useTableStyles } from '../../layout/tableStyles';
import { useDebounced } from '../../layout/useDebounced';

const pageSize = 50;
const statuses = Object.keys(profileStatusLabels) as DeviceInfo['profileStatus'][];

/** The devices this registrar registered for one customer, filtered and paged. */
export function DevicesTab({ customerId }: { readonly customerId: string }) {
  const table = useTableStyles();
  const [serial, setSerial] = useState('');
  const [tag, setTag] = useState('');
  const [status, setStatus] = useState('');
  const [offset, setOffset] = useState(0);
  // Typed filters wait for a pause; the status list applies at once.
  const typedSerial = useDebounced(serial.trim(), 250);
  const typedTag = useDebounced(tag, 250);
  const filters = { serial: typedSerial, tag: typedTag, status };
  useEffect(() => setOffset(0), [filters.serial, filters.tag, filters.status]);
  const filtered = Boolean(filters.serial || filters.tag || filters.status);
  const devices = useApi<Page<DeviceInfo>>(`/customers/${encodeURIComponent(customerId)}/devices`, {
    ...filters,
    offset,
    limit: pageSize,
  });
  const { data, error, loading, reload } = devices;

  return (
    <>
      <div className={table.toolbar}>
        <Field label="Serial number">
          <Input
            value={serial}
            onChange={(_, change) => setSerial(change.value)}
            placeholder="Part of it"
          />
        </Field>
        <Field label="Group tag">
          <Input value={tag} onChange={(_, change) => setTag(change.value)} placeholder="Exactly" />
        </Field>
        <Field label="Profile status">
          <Select value={status} onChange={(_, change) => setStatus(change.value)}>
            <option value="">Any status</option>
            {statuses.map((value) => (
              <option key={value} value={value}>
                {profileStatusLabels[value]}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      {error && !data ? <ProblemAlert error={error} onRetry={reload} /> : null}
      {!data && loading ? <Loading label="Loading devices…" /> : null}
      {data && data.total === 0 ? (
        filtered ? (
          <EmptyState title="No devices match these filters">
            <p>Clear a filter to see more. Group tags match exactly, capitals included.</p>
          </EmptyState>
        ) : (
          <EmptyState title="No devices yet">
            <p>
              Choose Add devices to register this customer&apos;s first devices from a CSV file.
            </p>
          </EmptyState>
        )
      ) : null}
      {data && data.total > 0 ? (
        <>
          <ProblemAlert error={error} onRetry={reload} />
          <div className={table.scroll}>
            <Table aria-label="Devices" className={table.table} size="small">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Serial number</TableHeaderCell>
                  <TableHeaderCell>Model</TableHeaderCell>
                  <TableHeaderCell>Group tag</TableHeaderCell>
                  <TableHeaderCell>Profile</TableHeaderCell>
                  <TableHeaderCell>Profile status</TableHeaderCell>
                  <TableHeaderCell>Registered</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {data.items.map((device) => (
                  <TableRow key={device.id}>
                    <TableCell className={table.mono}>
                      {device.serialNumber ?? device.productKeyId ?? '—'}
                    </TableCell>
                    <TableCell>
                      {[device.manufacturer, device.model].filter(Boolean).join(' ') || '—'}
                    </TableCell>
                    <TableCell>{device.groupTag ?? '—'}</TableCell>
                    <TableCell>{device.profile?.displayName ?? 'None'}</TableCell>
                    <TableCell>
                      <ProfileStatusBadge status={device.profileStatus} />
                    </TableCell>
                    <TableCell>
                      <AppLink to={`/batches/${device.batchId}`}>
                        {formatDateTime(device.registeredAt)}
                      </AppLink>
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
