import type { Generated } from 'kysely';

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
  deployment_profiles: DeploymentProfilesTable;
  assignment_rules: AssignmentRulesTable;
  batches: BatchesTable;
  batch_rows: BatchRowsTable;
  batch_row_hashes: BatchRowHashesTable;
  batch_results: BatchResultsTable;
  devices: DevicesTable;
  signing_keys: SigningKeysTable;
  imported_identities: ImportedIdentitiesTable;
  device_profile_pins: DeviceProfilePinsTable;
  operators: OperatorsTable;
  sessions: SessionsTable;
  sign_in_throttle: SignInThrottleTable;
  setup_tokens: SetupTokensTable;
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

export interface DeploymentProfilesTable {
  id: string;
  customer_org_id: string;
  display_name: string;
  /** Case-folded name; unique per customer. */
  name_key: string;
  description: string;
  /** JSON of DeploymentProfileSettings. */
  settings: string;
  /** 1 for the built-in Microsoft Managed Desktop profile. */
  built_in: number;
  created_at: string;
  updated_at: string;
  /** Null when the customer manages the profile; else the partner that created it. */
  managed_by_org_id: string | null;
}

export interface AssignmentRulesTable {
  id: string;
  customer_org_id: string;
  profile_id: string;
  /** The rule text, e.g. `(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))`. */
  rule: string;
  created_at: string;
  created_by: string;
}

/** `receiving` while rows arrive; only `queued` batches are acknowledged and processed. */
export type BatchStatusColumn =
  'receiving' | 'queued' | 'processing' | 'finished' | 'finished_with_errors' | 'failed';

export interface BatchesTable {
  id: string;
  registrar_org_id: string;
  customer_org_id: string;
  client_batch_id: string | null;
  /** SHA-256 over the submitted rows, to tell a retry from a different batch with the same id. */
  content_digest: string;
  source: 'csv' | 'api' | 'portal' | 'cli';
  file_name: string | null;
  group_tag: string | null;
  strict_tags: number;
  status: BatchStatusColumn;
  total_rows: number;
  registered_rows: number;
  failed_rows: number;
  warning_rows: number;
  created_at: string;
  created_by: string;
  started_at: string | null;
  finished_at: string | null;
  /** The worker holding the batch, and until when; an expired lease may be taken over. */
  lease_owner: string | null;
  lease_expires_at: string | null;
  failure_reason: string | null;
  /** How many times a worker has claimed the batch; past a limit it is marked failed. */
  attempts: Generated<number>;
  /** Partner Center's device-batch name (several uploads may share it), or null. */
  device_batch_name: string | null;
}

export interface BatchRowsTable {
  batch_id: string;
  row_index: number;
  /** Line in the source file (header = 1), or null for API payloads. */
  line: number | null;
  serial_number: string | null;
  product_key_id: string | null;
  hash_digest: string | null;
  manufacturer: string | null;
  model: string | null;
  tuple_key: string | null;
  group_tag: string | null;
  purchase_order_id: string | null;
  assigned_user: string | null;
  /** JSON array of input problems found at submission (errors make the row fail). */
  issues: string | null;
}

/** The hash text of a row, kept apart so scans of batch_rows stay small. */
export interface BatchRowHashesTable {
  batch_id: string;
  row_index: number;
  hardware_hash: string;
}

export interface BatchResultsTable {
  batch_id: string;
  row_index: number;
  status: 'registered' | 'failed';
  code: string | null;
  reference_code: string | null;
  reference_name: string | null;
  message: string | null;
  remedy: string | null;
  device_id: string | null;
  profile_id: string | null;
  /** JSON array of warnings (near-miss tags, serial quality, …). */
  warnings: string | null;
}

export type ProfileStatusColumn =
  'notAssigned' | 'pending' | 'assignedInSync' | 'assignedOutOfSync' | 'failed';

export interface DevicesTable {
  id: string;
  customer_org_id: string;
  hash_digest: string | null;
  product_key_id: string | null;
  tuple_key: string | null;
  serial_number: string | null;
  manufacturer: string | null;
  model: string | null;
  group_tag: string | null;
  purchase_order_id: string | null;
  assigned_user: string | null;
  display_name: string | null;
  registered_by_org_id: string;
  registered_by: string;
  registered_at: string;
  batch_id: string;
  batch_row_index: number;
  profile_id: string | null;
  profile_status: ProfileStatusColumn;
  profile_assigned_at: string | null;
}

/** Keys that sign access tokens; the newest signs, all verify. */
export interface SigningKeysTable {
  kid: string;
  alg: string;
  public_jwk: string;
  private_jwk: string;
  created_at: string;
}

/** Graph's import records: each is one row of a batch. */
export interface ImportedIdentitiesTable {
  id: string;
  customer_org_id: string;
  registrar_org_id: string;
  batch_id: string;
  row_index: number;
  created_at: string;
}

/** A profile applied to one device directly; it wins over tag rules. */
export interface DeviceProfilePinsTable {
  device_id: string;
  customer_org_id: string;
  profile_id: string;
  pinned_at: string;
  pinned_by: string;
}

/** Users who administer the whole service. */
export interface OperatorsTable {
  user_id: string;
  created_at: string;
}

/** A signed-in browser. */
export interface SessionsTable {
  id: string;
  /** SHA-256 of the cookie token; the token itself is never stored. */
  token_digest: string;
  user_id: string;
  /** The organisation the user acts for, or null (an operator without memberships). */
  org_id: string | null;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  /** The absolute end, whatever the activity. */
  expires_at: string;
}

/** Failed sign-ins per case-folded e-mail address (known to us or not). */
export interface SignInThrottleTable {
  email: string;
  failures: number;
  window_started_at: string;
  locked_until: string | null;
}

/** The first-run link's token, as a digest. */
export interface SetupTokensTable {
  token_digest: string;
  created_at: string;
}
