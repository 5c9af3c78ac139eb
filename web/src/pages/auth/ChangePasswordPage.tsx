import { Body1, Button, Field, Input } from '@fluentui/react-components';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import { PageHeader, ProblemAlert } from '../../components';
import { useSession } from '../../session';
import { useFormStyles } from './AuthCard';
import { minimumPasswordLength, passwordProblem } from './passwords';

export function ChangePasswordPage() {
  const styles = useFormStyles();
  const { session, refresh } = useSession();
  const navigate = useNavigate();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const forced = session?.user.mustChangePassword ?? false;
  const problem = submitted ? passwordProblem(newPassword, confirmation) : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (passwordProblem(newPassword, confirmation)) {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.post('/password', { currentPassword, newPassword });
      await refresh();
      void navigate('/', { replace: true });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div style={{ maxWidth: 440 }}>
      <PageHeader title="Change your password" />
      {forced ? (
        <Body1 as="p">
          You signed in with a one-time password. Choose your own password to continue.
        </Body1>
      ) : null}
      <form className={styles.form} onSubmit={(event) => void submit(event)}>
        <ProblemAlert error={error} />
        <Field
          label="Current password"
          hint={forced ? 'The one-time password you were given.' : undefined}
        >
          <Input
            required
            type="password"
            autoComplete="current-password"
            value={currentPassword}
            onChange={(_, data) => setCurrentPassword(data.value)}
          />
        </Field>
        <Field label="New password" hint={`At least ${minimumPasswordLength} characters.`}>
          <Input
            required
            type="password"
            autoComplete="new-password"
            value={newPassword}
            onChange={(_, data) => setNewPassword(data.value)}
          />
        </Field>
        <Field
          label="Confirm new password"
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
          <Button type="submit" appearance="primary" disabled={busy}>
            Change password
          </Button>
        </div>
      </form>
    </div>
  );
}
