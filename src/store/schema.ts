/**
 * Table types for Kysely. Timestamps are ISO-8601 UTC text on both databases, so values
 * read back identically and sort correctly as text; lists are stored as JSON text.
 */
export interface Schema {
  organisations: OrganisationsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  api_clients: ApiClientsTable;
  relationships: RelationshipsTable;
  audit_events: AuditEventsTable;
}

export interface OrganisationsTable {
  id: string;
  kind: 'partner' | 'oem' | 'customer';
  display_name: string;
  /** Case-folded name; unique. */
  name_key: string;
  /** Lower-case tenant domain; unique when present. */
  domain: string | null;
  created_at: string;
}

export interface UsersTable {
  id: string;
  email: string;
  password_hash: string;
  /** 1 until the user replaces the one-time password. */
  must_change_password: number;
  created_at: string;
}

export interface MembershipsTable {
  user_id: string;
  org_id: string;
  role: 'admin' | 'agent' | 'reader';
  created_at: string;
}

export interface ApiClientsTable {
  client_id: string;
  org_id: string;
  secret_hash: string;
  /** JSON array of roles. */
  roles: string;
  created_at: string;
}

export interface RelationshipsTable {
  id: string;
  kind: 'reseller' | 'oem';
  registrar_org_id: string;
  /** Copied from the organisation so a composite foreign key can prove it is a partner or OEM. */
  registrar_kind: 'partner' | 'oem';
  customer_org_id: string;
  /** Always 'customer'; part of the composite foreign key to organisations (id, kind). */
  customer_kind: 'customer';
  /** JSON array of permissions. */
  permissions: string;
  status: 'invited' | 'active' | 'revoked' | 'expired';
  /** SHA-256 of the invitation token; the token itself is never stored. */
  invitation_token_digest: string;
  invitation_expires_at: string;
  created_at: string;
  created_by: string;
  accepted_at: string | null;
  accepted_by: string | null;
  ended_at: string | null;
  ended_by: string | null;
}

export interface AuditEventsTable {
  id: string;
  at: string;
  actor: string;
  acting_org_id: string | null;
  counterpart_org_id: string | null;
  action: string;
  subject_type: string;
  subject_id: string;
  /** JSON, or null when there was nothing before (creation) or after (deletion). */
  before_json: string | null;
  after_json: string | null;
}
