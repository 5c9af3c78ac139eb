import { Body1, Button, Field, Input } from '@fluentui/react-components';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import type { SessionInfo, SetupState } from '../../../../src/services/portal/contract';
import { ApiError, api } from '../../api/client';
import { AppLink, Loading, ProblemAlert, useApi } from '../../components';
import { useSession } from '../../session';
import { AuthCard, useFormStyles } from './AuthCard';
import { minimumPasswordLength, passwordProblem } from './passwords';

/** The one-time link's token travels in the fragment, so it never reaches server logs. */
function tokenFromFragment(): string {
  return new URLSearchParams(window.location.hash.replace(/^#/, '')).get('token') ?? '';
}

export function SetupPage() {
  const styles = useFormStyles();
  const { refresh } = useSession();
  const navigate = useNavigate();
  const state = useApi<SetupState>('/setup');
  const [token] = useState(tokenFromFragment);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const problem = submitted ? passwordProblem(password, confirmation) : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (passwordProblem(password, confirmation)) {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.post<SessionInfo>('/setup', { token, email: email.trim(), password });
      // The token is spent; keep it out of the address bar and history.
      window.history.replaceState(null, '', window.location.pathname);
      await refresh();
      void navigate('/', { replace: true });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  if (state.loading && !state.data) {
    return <Loading label="Checking the first-run state…" />;
  }
  if (state.data && !state.data.needed) {
    return (
      <AuthCard title="Create the first operator">
        <ProblemAlert
          error={
            new ApiError(
              409,
              'setup.done',
              'The first operator exists already, so this link no longer works.',
              'Sign in with your account, or ask an operator to create one for you.',
            )
          }
        />
        <Body1 as="p">
          <AppLink to="/sign-in">Go to Sign in</AppLink>
        </Body1>
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Create the first operator">
      <Body1 as="p">
        The operator administers this Preflight service: its organisations and their users.
      </Body1>
      {token ? null : (
        <ProblemAlert
          error={
            new Error(
              'This page needs the one-time link the server printed when it first started (…/portal/setup#token=…).',
            )
          }
        />
      )}
      <form className={styles.form} onSubmit={(event) => void submit(event)}>
        <ProblemAlert error={error ?? state.error} />
        <Field label="E-mail">
          <Input
            required
            type="email"
            autoComplete="username"
            value={email}
            onChange={(_, data) => setEmail(data.value)}
          />
        </Field>
        <Field label="Password" hint={`At least ${minimumPasswordLength} characters.`}>
          <Input
            required
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(_, data) => setPassword(data.value)}
          />
        </Field>
        <Field
          label="Confirm password"
          validationState={problem ? 'error' : 'none'}
          validationMessage={problem ?? undefined}
        >
          <Input
            required
            type="password"
            autoComplete="new-password"
            value={confirmation}
            onChange={(_, data) => setConfirmation(data.value)}
          />
        </Field>
        <div className={styles.actions}>
          <Button type="submit" appearance="primary" disabled={busy || !token}>
            Create operator
          </Button>
        </div>
      </form>
    </AuthCard>
  );
}
