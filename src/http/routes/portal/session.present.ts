import { Type } from '@sinclair/typebox';
import type { Organisation } from '../../../domain/organisation.js';
import type { SessionState } from '../../../services/sessions.js';
import type { MembershipInfo, OrgRef, SessionInfo } from '../../../services/portal/contract.js';

/** An organisation as the portal shows it. */
export function orgRefOf(org: Organisation): OrgRef {
  return { id: org.id, displayName: org.displayName, kind: org.kind, domain: org.domain };
}

/** A session as `GET /session` answers it. */
export function sessionInfoOf(state: SessionState): SessionInfo {
  const membership = (m: { org: Organisation; role: MembershipInfo['role'] }): MembershipInfo => ({
    ...orgRefOf(m.org),
    role: m.role,
  });
  return {
    user: state.user,
    operator: state.operator,
    organisation: state.acting ? membership(state.acting) : null,
    memberships: state.memberships.map(membership),
    csrfToken: state.csrfToken,
    expiresAt: state.expiresAt,
  };
}

const kind = Type.Union([Type.Literal('partner'), Type.Literal('oem'), Type.Literal('customer')]);
const role = Type.Union([Type.Literal('admin'), Type.Literal('agent'), Type.Literal('reader')]);

export const orgRefSchema = Type.Object({
  id: Type.String(),
  displayName: Type.String(),
  kind,
  domain: Type.Union([Type.String(), Type.Null()]),
});

const membershipSchema = Type.Object({
  id: Type.String(),
  displayName: Type.String(),
  kind,
  domain: Type.Union([Type.String(), Type.Null()]),
  role,
});

export const sessionInfoSchema = Type.Object({
  user: Type.Object({
    id: Type.String(),
    email: Type.String(),
    mustChangePassword: Type.Boolean(),
  }),
  operator: Type.Boolean(),
  organisation: Type.Union([membershipSchema, Type.Null()]),
  memberships: Type.Array(membershipSchema),
  csrfToken: Type.String(),
  expiresAt: Type.String(),
});

export const roleSchema = role;
export const orgKindSchema = kind;
