/** One recorded change: who, acting for which organisation, did what to which subject. */
export interface AuditEvent {
  readonly id: string;
  readonly at: string;
  readonly actor: string;
  /** The organisation the actor acted for (null for the operator). */
  readonly actingOrgId: string | null;
  /** The other organisation concerned, so both sides of a relationship can read the event. */
  readonly counterpartOrgId: string | null;
  readonly action: AuditAction;
  readonly subjectType:
    | 'organisation'
    | 'user'
    | 'client'
    | 'relationship'
    | 'batch'
    | 'device'
    | 'profile'
    | 'rule'
    /** Profiles applied to devices in one request (Partner Center `DevicePolicyUpdates`). */
    | 'policy_update';
  readonly subjectId: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** Every action written to the audit log. */
export type AuditAction =
  | 'organisation.created'
  | 'user.created'
  | 'user.locked'
  | 'user.password_changed'
  | 'operator.created'
  | 'client.created'
  | 'relationship.invited'
  | 'relationship.accepted'
  | 'relationship.revoked'
  | 'batch.submitted'
  | 'batch.finished'
  | 'device.deregistered'
  | 'device.updated'
  | 'device.policies_updated'
  | 'profile.created'
  | 'profile.updated'
  | 'profile.deleted'
  | 'rule.created'
  | 'rule.deleted';
