import type {
  DeploymentMode,
  JoinType,
  OobeUserType,
} from '../../../../src/domain/deployment-profile';
import type { OrgKind } from '../../../../src/domain/organisation';
import type { RelationshipKind, RelationshipPermission } from '../../../../src/domain/relationship';
import type { Role } from '../../../../src/domain/user';

// The domain modules are imported for their types only: the web bundle must not pull in
// server code, so the value lists below are spelt out here and kept complete by `Record`.

export const relationshipKindLabels: Readonly<Record<RelationshipKind, string>> = {
  reseller: 'Reseller',
  oem: 'OEM authorization',
};

export const permissionLabels: Readonly<Record<RelationshipPermission, string>> = {
  register_devices: 'Register devices',
  deregister_devices: 'Deregister devices',
  read_devices: 'See devices',
};

export const permissions = Object.keys(permissionLabels) as RelationshipPermission[];

export const orgKindLabels: Readonly<Record<OrgKind, string>> = {
  partner: 'Partner',
  oem: 'OEM',
  customer: 'Customer',
};

export const orgKinds = Object.keys(orgKindLabels) as OrgKind[];

export const roleLabels: Readonly<Record<Role, string>> = {
  admin: 'Admin',
  agent: 'Agent',
  reader: 'Read-only',
};

export const roles = Object.keys(roleLabels) as Role[];

export const deploymentModeLabels: Readonly<Record<DeploymentMode, string>> = {
  userDriven: 'User-driven',
  selfDeploying: 'Self-deploying',
  preProvisioned: 'Pre-provisioned',
};

export const joinTypeLabels: Readonly<Record<JoinType, string>> = {
  entra: 'Microsoft Entra joined',
  hybrid: 'Microsoft Entra hybrid joined',
};

export const userTypeLabels: Readonly<Record<OobeUserType, string>> = {
  administrator: 'Administrator',
  standard: 'Standard',
};

/** Who did something, as the audit log records it (`user:<e-mail>`), for reading. */
export function actorName(actor: string): string {
  return actor.replace(/^user:/, '');
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** A day, without the time: for dates where the hour does not matter to the reader. */
export function formatDate(iso: string): string {
  return dateFormat.format(new Date(iso));
}
