import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { ProfileAssignmentStatus } from '../../../../src/domain/device';
import { findNearMiss } from '../../../../src/domain/tag-match';
import type { DeviceInfo, Page, ProfileInfo } from '../../../../src/services/portal/contract';
import { api } from '../../api/client';
import {
  EmptyState,
  Loading,
  PageHeader,
  Pager,
  ProblemAlert,
  ProfileStatusBadge,
  formatDateTime,
  profileStatusLabels,
  useApi,
} from '../../components';
import { useSession } from '../../session';
import { ConfirmDialog } from './ConfirmDialog';
import { usePageStyles } from './styles';
import { useDialog } from './useDialog';

const pageSize = 50;
const profileStatuses = Object.keys(profileStatusLabels) as ProfileAssignmentStatus[];

/** Waits until the user pauses typing, so a filter does not query on every keystroke. */
function useSettled(value: string, delayMs = 300): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

/** Case, spaces, hyphens and underscores: the differences the exact tag match does not forgive. */
/**
 * The rule tag a device's tag nearly matches, when that is why it has no profile. The
 * engine's own rule, so the page and the import warnings never disagree.
 */
function nearMiss(device: DeviceInfo, ruleTags: readonly string[]): string | null {
  const tag = device.groupTag;
  if (device.profileStatus !== 'notAssigned' || !tag) {
    return null;
  }
  return findNearMiss(tag, ruleTags)?.intended ?? null;
}

function deviceName(device: DeviceInfo): string {
  return device.serialNumber ?? device.productKeyId ?? device.hashDigest?.slice(0, 12) ?? device.id;
}

/** Every device registered for the customer, whoever registered it. */
export function DevicesPage() {
  const styles = usePageStyles();
  const { session } = useSession();
  const role = session?.organisation?.role;
  const canDeregister = role === 'admin' || role === 'agent';

  const [serial, setSerial] = useState('');
  const [tag, setTag] = useState('');
  const [status, setStatus] = useState<ProfileAssignmentStatus | ''>('');
  const [offset, setOffset] = useState(0);
  const settledSerial = useSettled(serial.trim());
  const settledTag = useSettled(tag);
  const deregistration = useDialog<DeviceInfo>();
  const [notice, setNotice] = useState<string | null>(null);

  // A new filter starts again at the first page.
  useEffect(() => setOffset(0), [settledSerial, settledTag, status]);

  const devices = useApi<Page<DeviceInfo>>('/devices', {
    serial: settledSerial,
    // Tags match exactly, spaces included (that is the point of showing near-misses).
    tag: settledTag,
    status,
    offset,
    limit: pageSize,
  });
  // Only to explain a missing profile; the device list works without it.
  const profiles = useApi<{ items: ProfileInfo[] }>('/profiles');
  const ruleTags = profiles.data?.items.flatMap((profile) => profile.tags) ?? [];
  const filtered = settledSerial !== '' || settledTag !== '' || status !== '';
  const page = devices.data;
  const deregistering = deregistration.subject;

  return (
    <div className={styles.stack}>
      <PageHeader title="Devices" />
      <div className={styles.filters} role="search" aria-label="Filter devices">
        <Field label="Serial number" className={styles.filterField}>
          <Input type="search" value={serial} onChange={(_event, data) => setSerial(data.value)} />
        </Field>
        <Field label="Group tag" className={styles.filterField}>
          <Input
            type="search"
            placeholder="Exact match"
            value={tag}
            onChange={(_event, data) => setTag(data.value)}
          />
        </Field>
        <Field label="Profile status" className={styles.filterField}>
          <Select
            value={status}
            onChange={(_event, data) => setStatus(data.value as ProfileAssignmentStatus | '')}
          >
            <option value="">Any status</option>
            {profileStatuses.map((value) => (
              <option key={value} value={value}>
                {profileStatusLabels[value]}
              </option>
            ))}
          </Select>
        </Field>
      </div>

      {notice !== null && (
        <div role="status">
          <MessageBar intent="success">
            <MessageBarBody>{notice}</MessageBarBody>
          </MessageBar>
        </div>
      )}

      {devices.error ? (
        <ProblemAlert error={devices.error} onRetry={devices.reload} />
      ) : !page ? (
        <Loading label="Loading devices" />
      ) : page.total === 0 ? (
        filtered ? (
          <EmptyState title="No devices match these filters">
            <Text>Serial numbers match in part; group tags match exactly, case included.</Text>
          </EmptyState>
        ) : (
          <EmptyState title="No devices yet">
            <Text>Devices appear here once a partner or OEM registers them for you.</Text>
          </EmptyState>
        )
      ) : (
        <div>
          <div className={styles.tableScroll}>
            <Table aria-label="Devices" className={styles.wideTable}>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Serial number</TableHeaderCell>
                  <TableHeaderCell>Model</TableHeaderCell>
                  <TableHeaderCell>Group tag</TableHeaderCell>
                  <TableHeaderCell>Profile</TableHeaderCell>
                  <TableHeaderCell>Status</TableHeaderCell>
                  <TableHeaderCell>Registered by</TableHeaderCell>
                  <TableHeaderCell>Registered at</TableHeaderCell>
                  {canDeregister && <TableHeaderCell>Actions</TableHeaderCell>}
                </TableRow>
              </TableHeader>
              <TableBody>
                {page.items.map((device) => (
                  <TableRow key={device.id}>
                    <TableCell>
                      <span className={`${styles.code} ${styles.nowrap}`}>
                        {device.serialNumber ?? '—'}
                      </span>
                    </TableCell>
                    <TableCell>
                      {[device.manufacturer, device.model].filter(Boolean).join(' ') || '—'}
                    </TableCell>
                    <TableCell>
                      {device.groupTag ? (
                        <div className={styles.cellStack}>
                          {/* Shown as stored, so a trailing space or odd case is visible. */}
                          <span className={`${styles.code} ${styles.nowrap}`}>
                            {device.groupTag}
                          </span>
                          {nearMiss(device, ruleTags) !== null && (
                            <Text size={200} className={styles.warningText}>
                              Did you mean {nearMiss(device, ruleTags)}? Tags match exactly.
                            </Text>
                          )}
                        </div>
                      ) : (
                        <span className={styles.muted}>None</span>
                      )}
                    </TableCell>
                    <TableCell>{device.profile?.displayName ?? '—'}</TableCell>
                    <TableCell className={styles.nowrap}>
                      <ProfileStatusBadge status={device.profileStatus} />
                    </TableCell>
                    <TableCell>{device.registeredBy.displayName}</TableCell>
                    <TableCell className={styles.nowrap}>
                      {formatDateTime(device.registeredAt)}
                    </TableCell>
                    {canDeregister && (
                      <TableCell>
                        <Button
                          size="small"
                          onClick={() => {
                            setNotice(null);
                            deregistration.show(device);
                          }}
                        >
                          Deregister
                        </Button>
                      </TableCell>
                    )}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
          <Pager offset={page.offset} limit={page.limit} total={page.total} onChange={setOffset} />
        </div>
      )}

      {deregistering && (
        <ConfirmDialog
          key={deregistration.key}
          open={deregistration.open}
          title={`Deregister ${deviceName(deregistering)}?`}
          confirmLabel="Deregister device"
          onClose={deregistration.hide}
          onConfirm={async () => {
            await api.post(`/devices/${encodeURIComponent(deregistering.id)}/deregister`);
            deregistration.hide();
            setNotice(`Device ${deviceName(deregistering)} deregistered.`);
            devices.reload();
          }}
        >
          <Text as="p">
            The device leaves your organisation: at its next first boot it no longer receives your
            deployment profile
            {deregistering.profile ? ` (${deregistering.profile.displayName})` : ''}, and any
            partner or OEM can register it again, for you or for someone else.
          </Text>
          <Text as="p">
            It was registered by {deregistering.registeredBy.displayName} on{' '}
            {formatDateTime(deregistering.registeredAt)}. The audit log keeps a record.
          </Text>
        </ConfirmDialog>
      )}
    </div>
  );
}
