export { InvitationPage } from './InvitationPage';
export { RelationshipsPage } from './RelationshipsPage';
export { DashboardPage } from './DashboardPage';
export { DevicesPage } from './DevicesPage';
export { ProfilesPage } from './ProfilesPage';
export { AuditPage } from './AuditPage';
