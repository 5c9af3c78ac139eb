import { Button, Field, Input } from '@fluentui/react-components';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import type { SessionInfo } from '../../../../src/services/portal/contract';
import { api } from '../../api/client';
import { Loading, ProblemAlert } from '../../components';
import { useSession } from '../../session';
import { AuthCard, useFormStyles } from './AuthCard';

/** Only paths inside the app are followed after sign-in (no open redirect). */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignInPage() {
  const styles = useFormStyles();
  const { session, loading, refresh } = useSession();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const next = safeNext(searchParams.get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (loading) {
    return <Loading label="Loading your session…" />;
  }
  if (session && !busy) {
    return <Navigate to={next} replace />;
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post<SessionInfo>('/sign-in', { email: email.trim(), password });
      await refresh();
      void navigate(next, { replace: true });
    } catch (failure) {
      setError(failure);
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthCard title="Sign in">
      <form className={styles.form} onSubmit={(event) => void submit(event)}>
        <ProblemAlert error={error} />
        <Field label="E-mail">
          <Input
            required
            type="email"
            autoComplete="username"
            value={email}
            onChange={(_, data) => setEmail(data.value)}
          />
        </Field>
        <Field label="Password">
          <Input
            required
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(_, data) => setPassword(data.value)}
          />
        </Field>
        <div className={styles.actions}>
          <Button type="submit" appearance="primary" disabled={busy}>
            Sign in
          </Button>
        </div>
      </form>
    </AuthCard>
  );
}
