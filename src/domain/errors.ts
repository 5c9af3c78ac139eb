/**
 * The error catalogue. Business code throws `PreflightError` with a stable dotted code;
 * the edges (HTTP, CLI) translate the code's category into a status or exit code. The
 * message says what is wrong, the remedy what to do about it.
 */

/** How an edge should treat an error: the HTTP layer maps each category to one status. */
export type ErrorCategory =
  | 'invalid' // the request itself is malformed or breaks a rule (400 / 422)
  | 'not_found' // unknown, or not visible to the caller (404) — never reveals which
  | 'conflict' // clashes with existing state (409)
  | 'forbidden' // the caller is known but may not do this (403)
  | 'unauthenticated' // who is calling could not be established (401)
  | 'gone' // existed, but is used up or expired (410)
  | 'throttled'; // too many requests; retry later (429)

interface CatalogueEntry {
  readonly category: ErrorCategory;
  readonly remedy: string;
}

/** Every code Preflight can raise, with its category and the default advice for the user. */
export const errorCatalogue = {
  'input.invalid': {
    category: 'invalid',
    remedy: 'Correct the value named in the message and retry.',
  },
  'org.not_found': {
    category: 'not_found',
    remedy: 'Check the id, name or domain; `preflight org list` shows the organisations.',
  },
  'org.wrong_kind': {
    category: 'invalid',
    remedy: 'Use an organisation of the kind the operation needs.',
  },
  'org.duplicate_name': {
    category: 'conflict',
    remedy: 'Choose another display name, or use the existing organisation.',
  },
  'org.duplicate_domain': {
    category: 'conflict',
    remedy: 'Each tenant domain belongs to one organisation; use the existing one.',
  },
  'user.not_found': {
    category: 'not_found',
    remedy: 'Check the e-mail address or id of the user.',
  },
  'user.duplicate_email': {
    category: 'conflict',
    remedy: 'That e-mail address already has an account; use it.',
  },
  'user.not_member': {
    category: 'forbidden',
    remedy: 'Act as a user of the organisation concerned.',
  },
  'access.denied': {
    category: 'forbidden',
    remedy: 'Ask an administrator of the organisation to do it, or to grant you the role.',
  },
  'relationship.invalid_pair': {
    category: 'invalid',
    remedy: 'A relationship goes from a partner or an OEM to a customer.',
  },
  'relationship.already_active': {
    category: 'conflict',
    remedy: 'The customer already consented; use the existing relationship.',
  },
  'relationship.not_found': {
    category: 'not_found',
    remedy: 'Check the relationship id; `preflight relationship list --org ORG` lists them.',
  },
  'relationship.invitation_not_found': {
    category: 'not_found',
    remedy: 'Check that the whole link was copied, or ask the partner for a new invitation.',
  },
  'relationship.invitation_expired': {
    category: 'gone',
    remedy: 'Ask the partner or OEM for a new invitation.',
  },
  'relationship.invitation_used': {
    category: 'gone',
    remedy: 'This invitation was already answered; ask the partner or OEM for a new one if needed.',
  },
  'relationship.not_revocable': {
    category: 'conflict',
    remedy: 'The relationship has already ended; a new invitation starts a new one.',
  },
  'consent.missing': {
    category: 'forbidden',
    remedy: 'Ask the customer to accept an invitation that grants this permission.',
  },
  'batch.not_found': {
    category: 'not_found',
    remedy: 'Check the batch id; list the batches of the customer to find it.',
  },
  'batch.conflicting_retry': {
    category: 'conflict',
    remedy:
      'Use a new batch id for different devices, or resend exactly the same devices to retry.',
  },
  'csv.file_rejected': {
    category: 'invalid',
    remedy:
      'Fix the problems listed (run `preflight csv check FILE`), or `preflight csv fix FILE -o OUT`.',
  },
  'batch.empty': {
    category: 'invalid',
    remedy: 'Add at least one device row.',
  },
  'batch.too_large': {
    category: 'invalid',
    remedy: 'Split the devices into several batches.',
  },
  'device.not_found': {
    category: 'not_found',
    remedy: 'Check the device id, serial number or hash digest; list the devices to find it.',
  },
  'profile.not_found': {
    category: 'not_found',
    remedy: 'Check the profile id or name; `preflight profile list` shows them.',
  },
  'profile.duplicate_name': {
    category: 'conflict',
    remedy: 'Choose another name; profile names are unique per customer, regardless of case.',
  },
  'profile.built_in': {
    category: 'conflict',
    remedy:
      'The built-in profile cannot be deleted; remove its tag rule instead if it is not wanted.',
  },
  'profile.assigned': {
    category: 'conflict',
    remedy:
      "Remove the profile's assignments (tag rules) first; its devices then move to another profile or none.",
  },
  'profile.managed_by_partner': {
    category: 'conflict',
    remedy: 'Ask the partner to change or delete it, or create a profile of your own.',
  },
  'rule.invalid': {
    category: 'invalid',
    remedy: 'Write the rule like (device.devicePhysicalIds -any (_ -eq "[OrderID]:YourTag")).',
  },
  'rule.not_found': {
    category: 'not_found',
    remedy: 'Check the rule id; `preflight tag-rule list` shows them.',
  },
  'auth.invalid_request': {
    category: 'invalid',
    remedy: 'Send grant_type=client_credentials, client_id, client_secret and scope as a form.',
  },
  'auth.invalid_client': {
    category: 'unauthenticated',
    remedy: 'Check the client id and secret; an operator can create a new client.',
  },
  'auth.invalid_scope': {
    category: 'invalid',
    remedy: 'Ask for "https://graph.microsoft.com/.default".',
  },
  'auth.unauthorized_client': {
    category: 'forbidden',
    remedy:
      'Ask for a token for your own tenant, or for a customer that consented to your organisation.',
  },
  'auth.missing_token': {
    category: 'unauthenticated',
    remedy: 'Send "Authorization: Bearer <token>" with a token from the token endpoint.',
  },
  'auth.invalid_token': {
    category: 'unauthenticated',
    remedy: 'Get a new token from the token endpoint and retry.',
  },
  'auth.insufficient_scope': {
    category: 'forbidden',
    remedy:
      'Ask for a token with DeviceManagementServiceConfig.ReadWrite.All, or use a client with the agent or admin role.',
  },
  'auth.wrong_tenant': {
    category: 'forbidden',
    remedy: 'Use a token issued for the tenant this request acts on.',
  },
  'auth.bad_credentials': {
    category: 'unauthenticated',
    remedy:
      'Check the e-mail address and password; after 5 failures the address is locked for 15 minutes.',
  },
  'auth.locked': {
    category: 'throttled',
    remedy: 'Wait until the lock ends, then sign in with the right password.',
  },
  'auth.no_session': {
    category: 'unauthenticated',
    remedy: 'Sign in again.',
  },
  'auth.csrf': {
    category: 'forbidden',
    remedy: "Send the session's CSRF token (GET /portal/api/session) in the x-csrf-token header.",
  },
  'auth.cross_origin': {
    category: 'forbidden',
    remedy: 'Sign in from the portal itself, not from another site.',
  },
  'auth.password_change_required': {
    category: 'forbidden',
    remedy: 'Choose your own password first (POST /portal/api/password).',
  },
  'auth.wrong_password': {
    category: 'invalid',
    remedy: 'Give your current password as you last used it to sign in.',
  },
  'setup.done': {
    category: 'conflict',
    remedy: 'The first operator exists already; sign in, or ask an operator for an account.',
  },
  'setup.invalid_token': {
    category: 'forbidden',
    remedy:
      'Use the latest setup link the server printed when it started; restarting prints a new one.',
  },
  'rate.limited': {
    category: 'throttled',
    remedy: 'Wait for the number of seconds in Retry-After, then retry.',
  },
} as const satisfies Record<string, CatalogueEntry>;

/** A stable error code, such as `relationship.invitation_expired`. */
export type ErrorCode = keyof typeof errorCatalogue;

/** A rule was broken or a request cannot be honoured; never used for infrastructure faults. */
export class PreflightError extends Error {
  readonly category: ErrorCategory;
  readonly remedy: string;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    remedy?: string,
  ) {
    super(message);
    this.name = 'PreflightError';
    this.category = errorCatalogue[code].category;
    this.remedy = remedy ?? errorCatalogue[code].remedy;
  }
}

/** True for errors raised by a rule, as opposed to bugs or infrastructure faults. */
export function isPreflightError(error: unknown): error is PreflightError {
  return error instanceof PreflightError;
}
