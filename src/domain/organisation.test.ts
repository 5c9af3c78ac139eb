import { describe, expect, it } from 'vitest';
import { normaliseNewOrganisation, organisationNameKey, parseOrgKind } from './organisation.js';
import { normaliseEmail, parseRole } from './user.js';

describe(normaliseNewOrganisation.name, () => {
  it('trims the name, lower-cases the domain and keys the name without case', () => {
    expect(
      normaliseNewOrganisation({
        kind: 'Customer',
        displayName: '  Contoso Ltd ',
        domain: 'Contoso.OnMicrosoft.com.',
      }),
    ).toEqual({
      kind: 'customer',
      displayName: 'Contoso Ltd',
      nameKey: 'contoso ltd',
      domain: 'contoso.onmicrosoft.com',
    });
  });

  it('refuses an empty name, a control character, a bad domain and an unknown kind, naming the field', () => {
    expect(() => normaliseNewOrganisation({ kind: 'partner', displayName: '   ' })).toThrow(
      /name must have 1 to 200/,
    );
    expect(() => normaliseNewOrganisation({ kind: 'partner', displayName: 'A\u0007B' })).toThrow(
      /control characters/,
    );
    expect(() =>
      normaliseNewOrganisation({ kind: 'partner', displayName: 'A', domain: 'not a domain' }),
    ).toThrow(/not a valid tenant domain/);
    expect(() => parseOrgKind('reseller')).toThrow(/Unknown organisation kind "reseller"/);
  });

  it('treats names differing only in case and spaces as the same organisation', () => {
    expect(organisationNameKey(' CONTOSO ')).toBe(organisationNameKey('contoso'));
  });
});

describe(normaliseEmail.name, () => {
  it('lower-cases addresses and refuses what is not one', () => {
    expect(normaliseEmail(' Admin@Contoso.Example ')).toBe('admin@contoso.example');
    expect(() => normaliseEmail('admin')).toThrow(/not an e-mail address/);
    expect(() => parseRole('owner')).toThrow(
      expect.objectContaining({ remedy: 'Use one of: admin, agent, reader.' }),
    );
  });
});
