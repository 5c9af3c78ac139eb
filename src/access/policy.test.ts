import { describe, expect, it } from 'vitest';
import type { Actor } from '../domain/actor.js';
import { operator } from '../domain/actor.js';
import type { Relationship } from '../domain/relationship.js';
import { abilities, authorize, can } from './policy.js';

const rel = { registrarOrgId: 'partner', customerOrgId: 'customer' } as Relationship;
const user = (orgId: string, role: 'admin' | 'agent' | 'reader'): Actor => ({
  kind: 'user',
  userId: `${orgId}-${role}`,
  email: `${role}@${orgId}.example`,
  orgId,
  role,
});
const client = (orgId: string): Actor => ({
  kind: 'client',
  clientId: 'c',
  orgId,
  roles: ['admin'],
});

describe(can.name, () => {
  it('lets only a customer admin (a person) accept an invitation', () => {
    expect(can(user('customer', 'admin'), 'relationship.accept', rel)).toBe(true);
    expect(can(user('customer', 'agent'), 'relationship.accept', rel)).toBe(false);
    expect(can(user('partner', 'admin'), 'relationship.accept', rel)).toBe(false);
    expect(can(client('customer'), 'relationship.accept', rel)).toBe(false);
    expect(can(operator, 'relationship.accept', rel)).toBe(false);
  });

  it('shows a relationship to both sides and to nobody else', () => {
    expect(can(user('customer', 'reader'), 'relationship.read', rel)).toBe(true);
    expect(can(user('partner', 'reader'), 'relationship.read', rel)).toBe(true);
    expect(can(user('other', 'admin'), 'relationship.read', rel)).toBe(false);
  });

  it('lets admins of either side ask to revoke (the lifecycle rule then decides)', () => {
    expect(can(user('customer', 'admin'), 'relationship.revoke', rel)).toBe(true);
    expect(can(user('partner', 'admin'), 'relationship.revoke', rel)).toBe(true);
    expect(can(user('customer', 'agent'), 'relationship.revoke', rel)).toBe(false);
    expect(can(user('other', 'admin'), 'relationship.revoke', rel)).toBe(false);
  });

  it('denies what the table does not list', () => {
    expect(can(user('partner', 'admin'), 'organisation.create', null)).toBe(false);
    expect(() =>
      authorize(user('partner', 'agent'), 'relationship.invite', { registrarOrgId: 'partner' }),
    ).toThrow(/Not allowed/);
  });
});

describe(abilities.name, () => {
  it('answers per action with the same rules', () => {
    expect(
      abilities(user('customer', 'admin'), rel, [
        'relationship.accept',
        'relationship.revoke',
        'relationship.read',
      ]),
    ).toEqual({
      'relationship.accept': true,
      'relationship.revoke': true,
      'relationship.read': true,
    });
  });
});
