import {
  Button,
  Field,
  Select,
  Text,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import { Dismiss24Regular } from '@fluentui/react-icons/svg/dismiss';
import { Navigation24Regular } from '@fluentui/react-icons/svg/navigation';
import { Suspense, useEffect, useRef, useState } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { Loading, ProblemAlert } from '../components';
import { useSession } from '../session';
import { navigationOf } from './navigation';

// Below this width the navigation folds into a menu button (phones, narrow windows).
const narrow = '@media (max-width: 760px)';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', minHeight: '100vh' },
  skipLink: {
    position: 'absolute',
    left: '-9999px',
    ':focus': {
      left: tokens.spacingHorizontalM,
      top: tokens.spacingVerticalS,
      zIndex: 10,
      padding: tokens.spacingHorizontalS,
      backgroundColor: tokens.colorNeutralBackground1,
    },
  },
  header: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
  },
  brand: {
    fontSize: tokens.fontSizeBase500,
    fontWeight: tokens.fontWeightSemibold,
    marginRight: 'auto',
  },
  account: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalM,
    [narrow]: { width: '100%' },
  },
  actingFor: {
    display: 'flex',
    flexDirection: 'row',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    '& label': { color: tokens.colorNeutralForegroundOnBrand },
    [narrow]: { flexGrow: 1 },
  },
  email: {
    color: tokens.colorNeutralForegroundOnBrand,
    overflowWrap: 'anywhere',
  },
  body: {
    display: 'flex',
    flexGrow: 1,
    [narrow]: { flexDirection: 'column' },
  },
  nav: {
    flexShrink: 0,
    width: '220px',
    padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalS}`,
    backgroundColor: tokens.colorNeutralBackground2,
    borderRight: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    [narrow]: {
      width: 'auto',
      padding: tokens.spacingHorizontalS,
      borderRight: 'none',
      borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    },
  },
  menuButton: {
    display: 'none',
    [narrow]: { display: 'inline-flex' },
  },
  links: {
    listStyleType: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXXS,
    [narrow]: { display: 'none', paddingTop: tokens.spacingVerticalS },
  },
  linksOpen: {
    [narrow]: { display: 'flex' },
  },
  link: {
    display: 'block',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderRadius: tokens.borderRadiusMedium,
    color: tokens.colorNeutralForeground1,
    textDecorationLine: 'none',
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
    ':focus-visible': { outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}` },
  },
  activeLink: {
    backgroundColor: tokens.colorNeutralBackground1Selected,
    fontWeight: tokens.fontWeightSemibold,
    boxShadow: `inset 3px 0 0 ${tokens.colorBrandStroke1}`,
  },
  main: {
    flexGrow: 1,
    minWidth: 0,
    maxWidth: '1280px',
    padding: `${tokens.spacingVerticalXL} ${tokens.spacingHorizontalXXL}`,
    [narrow]: { padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalM}` },
  },
});

/** The signed-in frame: header with organisation and account, navigation, the page. */
export function Shell() {
  const styles = useStyles();
  const { session, signOut, switchOrganisation } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const [menuOpen, setMenuOpen] = useState(false);
  const [switchError, setSwitchError] = useState<unknown>(null);

  // A chosen page closes the folded menu, and screen readers start at its heading rather
  // than wherever the link that led there was.
  const mainRef = useRef<HTMLElement>(null);
  const firstPage = useRef(true);
  useEffect(() => {
    setMenuOpen(false);
    if (firstPage.current) {
      firstPage.current = false;
      return;
    }
    const frame = window.requestAnimationFrame(() => {
      mainRef.current?.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true });
    });
    return () => window.cancelAnimationFrame(frame);
  }, [location.pathname]);

  if (!session) {
    return null;
  }
  const items = navigationOf(session);
  const memberships = session.memberships;

  return (
    <div className={styles.root}>
      <a className={styles.skipLink} href="#main">
        Skip to content
      </a>
      <header className={styles.header}>
        <span className={styles.brand}>Preflight</span>
        <div className={styles.account}>
          {memberships.length > 1 ? (
            <Field label="Acting for" className={styles.actingFor}>
              <Select
                value={session.organisation?.id ?? ''}
                onChange={(_, data) => {
                  setSwitchError(null);
                  // The page shown may not exist for the other organisation's kind.
                  switchOrganisation(data.value)
                    .then(() => navigate('/'))
                    .catch(setSwitchError);
                }}
              >
                {memberships.map((membership) => (
                  <option key={membership.id} value={membership.id}>
                    {membership.displayName} ({kindLabel[membership.kind]})
                  </option>
                ))}
              </Select>
            </Field>
          ) : session.organisation ? (
            <Text className={styles.email}>{session.organisation.displayName}</Text>
          ) : null}
          <Text className={styles.email}>{session.user.email}</Text>
          <Button appearance="secondary" size="small" onClick={() => void signOut()}>
            Sign out
          </Button>
        </div>
      </header>
      <div className={styles.body}>
        <nav
          aria-label="Main navigation"
          className={styles.nav}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && menuOpen) {
              setMenuOpen(false);
            }
          }}
        >
          {items.length > 0 ? (
            <Button
              className={styles.menuButton}
              appearance="subtle"
              icon={menuOpen ? <Dismiss24Regular /> : <Navigation24Regular />}
              aria-expanded={menuOpen}
              aria-controls="main-navigation-links"
              onClick={() => setMenuOpen((open) => !open)}
            >
              Menu
            </Button>
          ) : null}
          <ul
            id="main-navigation-links"
            className={mergeClasses(styles.links, menuOpen && styles.linksOpen)}
          >
            {items.map((item) => (
              <li key={item.to}>
                <NavLink
                  to={item.to}
                  className={({ isActive }) =>
                    mergeClasses(styles.link, isActive && styles.activeLink)
                  }
                >
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" ref={mainRef} className={styles.main}>
          <ProblemAlert error={switchError} />
          <Suspense fallback={<Loading label="Loading the page…" />}>
            <Outlet />
          </Suspense>
        </main>
      </div>
    </div>
  );
}

const kindLabel = { partner: 'partner', oem: 'OEM', customer: 'customer' } as const;
