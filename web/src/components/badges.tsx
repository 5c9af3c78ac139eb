import { Badge } from '@fluentui/react-components';
import type { BadgeProps } from '@fluentui/react-components';
import type {
  BatchInfo,
  DeviceInfo,
  RelationshipInfo,
} from '../../../src/services/portal/contract';

type Color = NonNullable<BadgeProps['color']>;

export const profileStatusLabels: Readonly<Record<DeviceInfo['profileStatus'], string>> = {
  notAssigned: 'No profile',
  pending: 'Pending',
  assignedInSync: 'Assigned',
  assignedOutOfSync: 'Assigned, out of sync',
  failed: 'Failed',
};

const profileStatusColors: Readonly<Record<DeviceInfo['profileStatus'], Color>> = {
  notAssigned: 'warning',
  pending: 'informative',
  assignedInSync: 'success',
  assignedOutOfSync: 'warning',
  failed: 'danger',
};

export function ProfileStatusBadge({ status }: { readonly status: DeviceInfo['profileStatus'] }) {
  return (
    <Badge appearance="tint" color={profileStatusColors[status]}>
      {profileStatusLabels[status]}
    </Badge>
  );
}

const relationshipStatus: Readonly<Record<RelationshipInfo['status'], [string, Color]>> = {
  invited: ['Invited', 'informative'],
  active: ['Active', 'success'],
  revoked: ['Revoked', 'danger'],
  expired: ['Expired', 'subtle'],
};

export function RelationshipStatusBadge({
  status,
}: {
  readonly status: RelationshipInfo['status'];
}) {
  const [label, color] = relationshipStatus[status];
  return (
    <Badge appearance="tint" color={color}>
      {label}
    </Badge>
  );
}

const batchStatus: Readonly<Record<BatchInfo['status'], [string, Color]>> = {
  receiving: ['Receiving', 'informative'],
  queued: ['Queued', 'informative'],
  processing: ['Processing', 'brand'],
  finished: ['Finished', 'success'],
  finished_with_errors: ['Finished with errors', 'warning'],
  failed: ['Failed', 'danger'],
};

export function BatchStatusBadge({ status }: { readonly status: BatchInfo['status'] }) {
  const [label, color] = batchStatus[status];
  return (
    <Badge appearance="tint" color={color}>
      {label}
    </Badge>
  );
}
