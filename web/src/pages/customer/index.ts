export { InvitationPage } from './InvitationPage.js';
export { RelationshipsPage } from './RelationshipsPage.js';
export { DashboardPage } from './DashboardPage.js';
export { DevicesPage } from './DevicesPage.js';
export { ProfilesPage } from './ProfilesPage.js';
export { AuditPage } from './AuditPage.js';
