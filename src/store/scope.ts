/**
 * Whose data a read or write may touch. Tenant-scoped repository methods take a scope as
 * a required argument, so there is no unscoped variant to call by mistake; the operator
 * scope is spelled out where the CLI runs with direct database access.
 */
export type Scope = { readonly orgId: string } | { readonly operator: true };

/** The operator's scope: every tenant. */
export const operatorScope: Scope = Object.freeze({ operator: true });

/** The scope of one organisation. */
export function orgScope(orgId: string): Scope {
  return { orgId };
}
