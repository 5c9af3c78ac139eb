import type { ComponentType } from 'react';
import { useSession } from '../../session';

/**
 * Remounts a page when the user switches the organisation they act for. Switching may
 * land on the same route (customer to customer), where the page would otherwise keep the
 * previous organisation's lists and open dialogs on screen.
 */
export function perOrganisation<Props extends object>(Page: ComponentType<Props>) {
  function PerOrganisation(props: Props) {
    const { session } = useSession();
    return <Page key={session?.organisation?.id ?? 'none'} {...props} />;
  }
  PerOrganisation.displayName = `PerOrganisation(${Page.displayName ?? Page.name})`;
  return PerOrganisation;
}
