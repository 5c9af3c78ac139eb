import { Title2, makeStyles, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';

const useStyles = makeStyles({
  root: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalM,
    marginBottom: tokens.spacingVerticalL,
  },
  // Focused on navigation (Shell) for screen readers; no ring, it is not a control.
  title: { ':focus': { outlineStyle: 'none' } },
  actions: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalM,
  },
});

/** The page's heading (the one h1 the browser tests look for) and its main actions. */
export function PageHeader({
  title,
  actions,
}: {
  readonly title: ReactNode;
  readonly actions?: ReactNode;
}) {
  const styles = useStyles();
  return (
    <div className={styles.root}>
      <Title2 as="h1" tabIndex={-1} className={styles.title}>
        {title}
      </Title2>
      {actions ? <div className={styles.actions}>{actions}</div> : null}
    </div>
  );
}
