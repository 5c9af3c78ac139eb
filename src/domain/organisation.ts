import { PreflightError } from './errors.js';

/** The three kinds of tenant. Partners and OEMs register devices; customers own them. */
export const orgKinds = ['partner', 'oem', 'customer'] as const;
export type OrgKind = (typeof orgKinds)[number];

/** A tenant of Preflight. */
export interface Organisation {
  readonly id: string;
  readonly kind: OrgKind;
  readonly displayName: string;
  /** The tenant's verified domain (e.g. `contoso.onmicrosoft.com`), lower case, or null. */
  readonly domain: string | null;
  readonly createdAt: string;
}

/** What a caller supplies to create an organisation. */
export interface NewOrganisationInput {
  readonly kind: string;
  readonly displayName: string;
  readonly domain?: string | null | undefined;
}

const maxNameLength = 200;
// RFC 1035 labels (letters, digits, inner hyphens), at least two labels, 253 chars max.
const domainPattern = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Narrows a string to an organisation kind, or explains which kinds exist. */
export function parseOrgKind(kind: string): OrgKind {
  const found = orgKinds.find((k) => k === kind.trim().toLowerCase());
  if (!found) {
    throw new PreflightError(
      'input.invalid',
      `Unknown organisation kind "${kind}".`,
      {
        field: 'kind',
      },
      `Use one of: ${orgKinds.join(', ')}.`,
    );
  }
  return found;
}

/**
 * Checks and normalises a new organisation: trimmed name of 1–200 characters without
 * control characters, a lower-case DNS domain. Names compare without regard to case, so
 * "Contoso" and "contoso " are the same organisation.
 */
export function normaliseNewOrganisation(input: NewOrganisationInput): {
  kind: OrgKind;
  displayName: string;
  nameKey: string;
  domain: string | null;
} {
  const kind = parseOrgKind(input.kind);
  const displayName = input.displayName.trim();
  if (displayName.length === 0 || displayName.length > maxNameLength) {
    throw new PreflightError(
      'input.invalid',
      `The organisation name must have 1 to ${maxNameLength} characters (got ${displayName.length}).`,
      { field: 'name' },
    );
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(displayName)) {
    throw new PreflightError(
      'input.invalid',
      'The organisation name contains control characters.',
      {
        field: 'name',
      },
    );
  }
  const rawDomain = input.domain?.trim();
  let domain: string | null = null;
  if (rawDomain) {
    domain = rawDomain.toLowerCase().replace(/\.$/, '');
    if (!domainPattern.test(domain)) {
      throw new PreflightError(
        'input.invalid',
        `"${rawDomain}" is not a valid tenant domain.`,
        { field: 'domain' },
        'Give a DNS name such as contoso.onmicrosoft.com.',
      );
    }
  }
  return { kind, displayName, nameKey: organisationNameKey(displayName), domain };
}

/** The key under which organisation names are unique: trimmed, case-folded. */
export function organisationNameKey(displayName: string): string {
  return displayName.trim().normalize('NFC').toLocaleLowerCase('en-US');
}

/** Partners and OEMs are the registering side of a relationship. */
export function isRegistrar(kind: OrgKind): kind is 'partner' | 'oem' {
  return kind === 'partner' || kind === 'oem';
}
