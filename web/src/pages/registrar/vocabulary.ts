import type { PreviewVerdict, RelationshipInfo } from '../../../../src/services/portal/contract';

export const permissionLabels: Readonly<Record<RelationshipInfo['permissions'][number], string>> = {
  register_devices: 'register',
  deregister_devices: 'deregister',
  read_devices: 'see devices',
};

export const verdictLabels: Readonly<Record<PreviewVerdict, string>> = {
  would_register: 'Will register',
  already_registered: 'Already registered',
  other_customer: 'Another customer’s',
  duplicate: 'Duplicate in file',
  invalid: 'Invalid',
};
