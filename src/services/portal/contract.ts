/**
 * The portal's JSON API: what the browser app (web/) and the server routes agree on.
 * Types only, so the web build can import it without pulling server code.
 *
 * Conventions:
 * - Every path below is under `/portal/api`. The web app itself is served under `/portal/`.
 * - Authentication is a session cookie (`preflight_session`, HttpOnly, SameSite=Strict,
 *   Secure under HTTPS). Every non-GET request of a signed-in user must carry the header
 *   `x-csrf-token` with `SessionInfo.csrfToken`; without it: 403 `auth.csrf`.
 * - Errors are `ProblemBody` with the HTTP status: 400 input, 401 `auth.no_session`
 *   (sign in), 403 denied, 404 not found (also for objects of other tenants), 409
 *   conflict, 413 too large, 423 `auth.locked`, 429 rate limited.
 * - Lists page with `offset` and `limit` (default 50, at most 500) and return `total`.
 * @module
 */
import type { ProfileAssignmentStatus } from '../../domain/device.js';
import type { DeploymentProfileSettings } from '../../domain/deployment-profile.js';
import type { OrgKind } from '../../domain/organisation.js';
import type {
  RelationshipKind,
  RelationshipPermission,
  RelationshipStatus,
} from '../../domain/relationship.js';
import type { Role } from '../../domain/user.js';

/** The error body of every portal route (the `preflight` wire family). */
export interface ProblemBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    /** What to do about it. */
    readonly remedy?: string;
    readonly details?: Record<string, unknown>;
  };
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
}

// ---------------------------------------------------------------------------------------
// Session, sign-in, first run, operator
// ---------------------------------------------------------------------------------------

/** A deployment profile, by id and name. */
export interface ProfileRef {
  readonly id: string;
  readonly displayName: string;
}

export interface OrgRef {
  readonly id: string;
  readonly displayName: string;
  readonly kind: OrgKind;
  readonly domain: string | null;
}

export interface MembershipInfo extends OrgRef {
  readonly role: Role;
}

/** `GET /session`, and the answer of sign-in, setup and organisation switch. */
export interface SessionInfo {
  readonly user: {
    readonly id: string;
    readonly email: string;
    readonly mustChangePassword: boolean;
  };
  /** The user administers the whole service (created through the first-run link or the CLI). */
  readonly operator: boolean;
  /** The organisation the user acts for now (null for an operator without memberships). */
  readonly organisation: MembershipInfo | null;
  readonly memberships: readonly MembershipInfo[];
  /** Send as `x-csrf-token` on every non-GET request. */
  readonly csrfToken: string;
  readonly expiresAt: string;
}

/** `POST /sign-in` (public). 401 `auth.bad_credentials` (same for unknown e-mail), 423 `auth.locked` after 5 failures in 15 min (locked 15 min). */
export interface SignInRequest {
  readonly email: string;
  readonly password: string;
}
// `POST /sign-out` → 204, clears the cookie.
// `GET /session` → SessionInfo, or 401 auth.no_session.
/** `POST /session/organisation` → SessionInfo: act for another of the user's organisations. */
export interface SwitchOrganisationRequest {
  readonly orgId: string;
}
/** `POST /password` → 204. New password: at least 12 characters. */
export interface ChangePasswordRequest {
  readonly currentPassword: string;
  readonly newPassword: string;
}

/** `GET /setup` (public): whether the first operator still has to be created. */
export interface SetupState {
  readonly needed: boolean;
}
/**
 * `POST /setup` (public) → SessionInfo (signed in). The token is the one-time link's,
 * printed by the server on its first start on an empty database
 * (`<publicUrl>/portal/setup#token=…`). 403 `setup.invalid_token`, 409 `setup.done`.
 */
export interface SetupRequest {
  readonly token: string;
  readonly email: string;
  readonly password: string;
}

// Operator only:
// `GET /organisations?search=&offset=&limit=` → Page<OrgRef>
/** `POST /organisations` → OrgRef (201). */
export interface CreateOrganisationRequest {
  readonly kind: OrgKind;
  readonly displayName: string;
  readonly domain?: string;
}
/** `POST /organisations/:orgId/users` → CreatedUser (201). */
export interface CreateUserRequest {
  readonly email: string;
  readonly role: Role;
}
export interface CreatedUser {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
  /** Shown once; the user must change it at first sign-in. */
  readonly oneTimePassword: string;
}

// ---------------------------------------------------------------------------------------
// Relationships and invitations (both sides)
// ---------------------------------------------------------------------------------------

export interface RelationshipInfo {
  readonly id: string;
  readonly kind: RelationshipKind;
  readonly status: RelationshipStatus;
  readonly permissions: readonly RelationshipPermission[];
  readonly registrar: OrgRef;
  readonly customer: OrgRef;
  readonly createdAt: string;
  readonly invitationExpiresAt: string | null;
  readonly acceptedAt: string | null;
  readonly endedAt: string | null;
}

// `GET /relationships` → { items: RelationshipInfo[] } (the acting organisation's, both sides)
/**
 * `POST /invitations` (partner or OEM admin) → CreatedInvitation (201). The customer is
 * named by its domain or exact name. A partner creates a reseller invitation, an OEM an
 * OEM authorization link.
 */
export interface CreateInvitationRequest {
  readonly customer: string;
  readonly permissions?: readonly RelationshipPermission[];
  readonly expiresInDays?: number;
}
export interface CreatedInvitation {
  readonly relationship: RelationshipInfo;
  /** `<publicUrl>/portal/invitations/<token>` (or `/portal/oem-authorizations/<token>`); shown once. */
  readonly url: string;
}
/**
 * `GET /invitations/:token` (any signed-in user) → InvitationPreview.
 * `POST /invitations/:token/accept` (the invited customer's admin) → RelationshipInfo.
 */
export interface InvitationPreview {
  readonly relationship: RelationshipInfo;
  /** One plain sentence per permission, e.g. "Register new devices for Contoso." */
  readonly grants: readonly string[];
  /** Whether the signed-in user may accept it (admin of the invited customer, still open). */
  readonly canAccept: boolean;
}
// `POST /relationships/:id/revoke` (admin of either side) → RelationshipInfo

// ---------------------------------------------------------------------------------------
// Devices, tags, batches
// ---------------------------------------------------------------------------------------

export interface DeviceInfo {
  readonly id: string;
  readonly serialNumber: string | null;
  readonly manufacturer: string | null;
  readonly model: string | null;
  readonly productKeyId: string | null;
  readonly hashDigest: string | null;
  readonly groupTag: string | null;
  readonly purchaseOrderId: string | null;
  readonly assignedUser: string | null;
  readonly profile: ProfileRef | null;
  readonly profileStatus: ProfileAssignmentStatus;
  readonly registeredBy: OrgRef;
  readonly registeredAt: string;
  readonly batchId: string;
}

/**
 * Query of device lists: `serial` (substring, case-insensitive), `tag` (exact),
 * `status` (a ProfileAssignmentStatus), `offset`, `limit`.
 * - `GET /customers/:customerId/devices` (partner/OEM: devices it registered there, needs
 *   read_devices) → Page<DeviceInfo>
 * - `GET /devices` (customer: all its devices) → Page<DeviceInfo>
 * - `POST /devices/:deviceId/deregister` (customer admin/agent, or the registrar with
 *   deregister_devices) → 204
 */
export interface DeviceQuery {
  readonly serial?: string;
  readonly tag?: string;
  readonly status?: ProfileAssignmentStatus;
  readonly offset?: number;
  readonly limit?: number;
}

/** `GET /customers/:customerId/tags` → { items: TagSuggestion[] }: rule tags first, then tags in use. */
export interface TagSuggestion {
  readonly tag: string;
  /** The profile a device with exactly this tag receives, if any. */
  readonly profile: ProfileRef | null;
  readonly devices: number;
}

/**
 * `GET /customers/:customerId/tag-check?groupTag=…` → TagCheck: what a device with this
 * group name would receive, checked as the user types. The reference matches tags
 * exactly (case included), so a near-miss silently gives no profile; this says so.
 */
export interface TagCheck {
  readonly groupTag: string;
  /** The profile an exact match gives, or null. */
  readonly profile: ProfileRef | null;
  /** A rule's tag this one nearly matches (case, spaces, -/_, one or two edits), when no exact match. */
  readonly nearMiss: { readonly tag: string; readonly profile: ProfileRef } | null;
  /** One sentence for the user, e.g. 'No profile: did you mean "Microsoft365Managed_Autopilot"?'. */
  readonly message: string;
}

/** `GET /customers?search=&offset=&limit=` (partner/OEM) → Page<CustomerSummary>. */
export interface CustomerSummary extends OrgRef {
  readonly relationship: RelationshipInfo;
  /** Devices this registrar registered for the customer (0 without read_devices). */
  readonly devices: number;
}
// `GET /customers/:customerId` → CustomerSummary (404 without any relationship)

/**
 * The upload routes take the raw file as the body (`Content-Type: text/csv` or
 * `application/octet-stream`, at most 64 MiB) and these query parameters:
 * `groupTag` (the group name), `fileName`, `strictTags` ("true"/"false").
 * - `POST /customers/:customerId/preview` → Preview (nothing is stored)
 * - `POST /customers/:customerId/batches` → BatchInfo (202; the worker processes it)
 * A file that cannot be read at all is still a 200 preview with `file.ok = false` and
 * its issues; submitting it is 400 `csv.file_rejected`.
 */
export interface FileIssue {
  readonly severity: 'error' | 'warning';
  readonly code: string;
  readonly line: number;
  /** The column's header as written in the file, or null for a whole-line issue. */
  readonly column: string | null;
  readonly message: string;
  readonly hint: string;
}

export type PreviewVerdict =
  | 'would_register'
  | 'already_registered' // 806
  | 'other_customer' // 808
  | 'duplicate'
  | 'invalid';

export interface PreviewRow {
  readonly line: number | null;
  readonly serialNumber: string | null;
  readonly groupTag: string | null;
  readonly verdict: PreviewVerdict;
  readonly code: string | null;
  readonly referenceCode: string | null;
  readonly referenceName: string | null;
  readonly message: string | null;
  readonly remedy: string | null;
  readonly profile: ProfileRef | null;
  readonly warnings: readonly {
    readonly code: string;
    readonly message: string;
    readonly hint: string;
  }[];
}

export interface Preview {
  readonly file: {
    readonly ok: boolean;
    readonly fileName: string;
    readonly layout: string | null;
    readonly encoding: string;
    readonly delimiter: string;
    readonly devices: number;
  };
  /** Every problem of the file, with line and column, in line order. */
  readonly issues: readonly FileIssue[];
  /** Per-row verdicts (empty when the file cannot be read). At most 5 000 rows are listed. */
  readonly rows: readonly PreviewRow[];
  readonly counts: Readonly<Record<PreviewVerdict, number>> & { readonly warnings: number };
}

export interface BatchInfo {
  readonly id: string;
  readonly customer: OrgRef;
  readonly registrar: OrgRef;
  readonly status:
    'receiving' | 'queued' | 'processing' | 'finished' | 'finished_with_errors' | 'failed';
  readonly source: string;
  readonly fileName: string | null;
  readonly groupTag: string | null;
  readonly totalRows: number;
  readonly registeredRows: number;
  readonly failedRows: number;
  readonly warningRows: number;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly finishedAt: string | null;
  readonly failureReason: string | null;
}

export interface BatchRowInfo {
  readonly index: number;
  readonly line: number | null;
  readonly serialNumber: string | null;
  readonly groupTag: string | null;
  readonly status: 'pending' | 'registered' | 'failed';
  readonly deviceId: string | null;
  readonly profile: ProfileRef | null;
  readonly code: string | null;
  readonly referenceCode: string | null;
  readonly referenceName: string | null;
  readonly message: string | null;
  readonly remedy: string | null;
  readonly warnings: readonly {
    readonly code: string;
    readonly message: string;
    readonly hint: string;
  }[];
}

// `GET /batches?customerId=&offset=&limit=` → Page<BatchInfo> (batches the acting org registered, or — for a customer — received)
// `GET /batches/:batchId` → BatchInfo
// `GET /batches/:batchId/rows?offset=&limit=` → Page<BatchRowInfo>
// `GET /batches/:batchId/results.csv` → text/csv attachment: one line per row with its outcome
// `GET /sample.csv` → text/csv attachment: the sample file shown next to Add devices

// ---------------------------------------------------------------------------------------
// Customer administration
// ---------------------------------------------------------------------------------------

export interface ProfileInfo {
  readonly id: string;
  readonly displayName: string;
  readonly description: string;
  readonly builtIn: boolean;
  readonly managedBy: OrgRef | null;
  readonly settings: DeploymentProfileSettings;
  readonly tags: readonly string[];
  readonly devices: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}
// `GET /profiles` → { items: ProfileInfo[] }; `GET /profiles/:profileId` → ProfileInfo
/** `POST /profiles` (customer admin) → ProfileInfo (201). Settings as in the Graph profile (partial; defaults apply). */
export interface CreateProfileRequest {
  readonly displayName: string;
  readonly description?: string;
  readonly settings?: Partial<DeploymentProfileSettings>;
}

export interface TagRuleInfo {
  readonly id: string;
  readonly profile: ProfileRef;
  /** The rule as written, e.g. `(device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))`. */
  readonly rule: string;
  readonly createdAt: string;
  readonly createdBy: string;
}
// `GET /tag-rules` → { items: TagRuleInfo[] }; `DELETE /tag-rules/:ruleId` → 204
/**
 * `POST /tag-rules` (customer admin) → TagRuleInfo (201). Give either `rule` (the full
 * syntax) or `groupTag` (shorthand for an exact `[OrderID]` match). A rule that does not
 * parse is 400 with the position in `details`.
 */
export interface CreateTagRuleRequest {
  readonly profileId: string;
  readonly rule?: string;
  readonly groupTag?: string;
}

export interface AuditEntry {
  readonly id: string;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly subjectType: string;
  readonly subjectId: string;
  readonly summary: string;
}
// `GET /audit?offset=&limit=` → Page<AuditEntry> (the acting organisation's, newest first)

/** `GET /dashboard` (customer) → Dashboard. */
export interface Dashboard {
  readonly devices: number;
  readonly byStatus: readonly {
    readonly status: ProfileAssignmentStatus;
    readonly devices: number;
  }[];
  readonly byProfile: readonly { readonly profile: string | null; readonly devices: number }[];
  /** The last 30 days, oldest first, days without registrations included (count 0). */
  readonly registrationsPerDay: readonly { readonly day: string; readonly devices: number }[];
  readonly partners: number;
}
