import { Link } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import { useHref, useLinkClickHandler } from 'react-router-dom';

export interface AppLinkProps {
  /** A path inside the app, such as `/customers/42` (the /portal base is added). */
  readonly to: string;
  readonly children: ReactNode;
  readonly className?: string;
  readonly 'aria-label'?: string;
}

/** A Fluent link that navigates inside the app without reloading the page. */
export function AppLink({ to, children, className, 'aria-label': ariaLabel }: AppLinkProps) {
  const href = useHref(to);
  const navigate = useLinkClickHandler<HTMLAnchorElement>(to);
  return (
    <Link href={href} onClick={navigate} className={className} aria-label={ariaLabel}>
      {children}
    </Link>
  );
}
