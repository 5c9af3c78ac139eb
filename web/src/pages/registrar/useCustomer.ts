import type { CustomerSummary } from '../../../../src/services/portal/contract';
import { useApi } from '../../components';

/** The customer a registrar page is about (404 when there is no relationship with it). */
export function useCustomer(customerId: string) {
  return useApi<CustomerSummary>(`/customers/${encodeURIComponent(customerId)}`);
}

/** Why registering for this customer will be refused, or null while the consent holds. */
export function consentProblem(customer: CustomerSummary): string | null {
  const { relationship } = customer;
  switch (relationship.status) {
    case 'active':
      return relationship.permissions.includes('register_devices')
        ? null
        : `${customer.displayName} has not allowed you to register devices.`;
    case 'invited':
      return `${customer.displayName} has not accepted your invitation yet, so you cannot register devices for it.`;
    case 'revoked':
      return `${customer.displayName} revoked your access, so you can no longer register devices for it.`;
    case 'expired':
      return `Your invitation to ${customer.displayName} expired before it was accepted. Invite the customer again.`;
  }
}
