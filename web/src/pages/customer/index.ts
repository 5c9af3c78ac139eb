import { AuditPage as Audit } from './AuditPage';
import { DashboardPage as Dashboard } from './DashboardPage';
import { DevicesPage as Devices } from './DevicesPage';
import { InvitationPage as Invitation } from './InvitationPage';
import { ProfilesPage as Profiles } from './ProfilesPage';
import { RelationshipsPage as Relationships } from './RelationshipsPage';
import { perOrganisation } from './perOrganisation';

export const InvitationPage = perOrganisation(Invitation);
export const RelationshipsPage = perOrganisation(Relationships);
export const DashboardPage = perOrganisation(Dashboard);
export const DevicesPage = perOrganisation(Devices);
export const ProfilesPage = perOrganisation(Profiles);
export const AuditPage = perOrganisation(Audit);
