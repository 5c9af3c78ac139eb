import type { SessionInfo } from '../../../src/services/portal/contract';

export interface NavItem {
  readonly to: string;
  readonly label: string;
}

const registrarNav: readonly NavItem[] = [
  { to: '/customers', label: 'Customers' },
  { to: '/batches', label: 'Batches' },
  { to: '/relationships', label: 'Relationships' },
  { to: '/audit', label: 'Audit log' },
];

const customerNav: readonly NavItem[] = [
  { to: '/dashboard', label: 'Dashboard' },
  { to: '/devices', label: 'Devices' },
  { to: '/profiles', label: 'Deployment profiles' },
  { to: '/relationships', label: 'Relationships' },
  { to: '/batches', label: 'Batches' },
  { to: '/audit', label: 'Audit log' },
];

const operatorNav: readonly NavItem[] = [{ to: '/organisations', label: 'Organisations' }];

/** The pages of the organisation the user acts for, plus the operator's own. */
export function navigationOf(session: SessionInfo): readonly NavItem[] {
  if (session.user.mustChangePassword) {
    // Nothing else opens until the one-time password is replaced.
    return [];
  }
  const kind = session.organisation?.kind;
  const orgItems = kind === 'customer' ? customerNav : kind ? registrarNav : [];
  return session.operator ? [...orgItems, ...operatorNav] : orgItems;
}

/** Where `/portal/` leads: the first page of the organisation's kind (null: none to show). */
export function homePathOf(session: SessionInfo): string | null {
  return navigationOf(session)[0]?.to ?? null;
}
