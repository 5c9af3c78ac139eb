import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import type { SessionInfo } from '../../src/services/portal/contract';
import { ApiError, api, setCsrfToken, setSignedOutHandler } from './api/client';

export interface SessionState {
  /** Null when nobody is signed in. */
  readonly session: SessionInfo | null;
  /** True until the first answer of `GET /session`. */
  readonly loading: boolean;
  refresh(): Promise<void>;
  signOut(): Promise<void>;
  switchOrganisation(orgId: string): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

/** Where to come back to after signing in: the page the user is on now. */
export function signInPath(): string {
  const { pathname, search, hash } = window.location;
  const here = `${pathname.replace(/^\/portal/, '') || '/'}${search}${hash}`;
  return here === '/' || here.startsWith('/sign-in')
    ? '/sign-in'
    : `/sign-in?next=${encodeURIComponent(here)}`;
}

/** Holds the signed-in user's session; must sit inside the router. */
export function SessionProvider({ children }: { readonly children: ReactNode }) {
  const navigate = useNavigate();
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [loading, setLoading] = useState(true);

  const adopt = useCallback((next: SessionInfo | null) => {
    setCsrfToken(next?.csrfToken ?? null);
    setSession(next);
  }, []);

  const refresh = useCallback(async () => {
    try {
      adopt(await api.get<SessionInfo>('/session'));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        adopt(null);
      } else {
        throw error;
      }
    } finally {
      setLoading(false);
    }
  }, [adopt]);

  useEffect(() => {
    refresh().catch(() => {
      // The server is unreachable; the sign-in page will say so when the user tries.
      adopt(null);
    });
  }, [refresh, adopt]);

  useEffect(() => {
    setSignedOutHandler(() => {
      adopt(null);
      void navigate(signInPath(), { replace: true });
    });
    return () => setSignedOutHandler(null);
  }, [adopt, navigate]);

  const signOut = useCallback(async () => {
    try {
      await api.post('/sign-out');
    } finally {
      adopt(null);
      void navigate('/sign-in', { replace: true });
    }
  }, [adopt, navigate]);

  const switchOrganisation = useCallback(
    async (orgId: string) => {
      adopt(await api.post<SessionInfo>('/session/organisation', { orgId }));
    },
    [adopt],
  );

  const value = useMemo(
    () => ({ session, loading, refresh, signOut, switchOrganisation }),
    [session, loading, refresh, signOut, switchOrganisation],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) {
    throw new Error('useSession must be used inside SessionProvider.');
  }
  return state;
}
