import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Select,
  Text,
} from '@fluentui/react-components';
import { useState } from 'react';
import type { FormEvent } from 'react';
import type { Role } from '../../../../src/domain/user';
import type {
  CreateUserRequest,
  CreatedUser,
  OrgRef,
} from '../../../../src/services/portal/contract';
import { ApiError, api } from '../../api/client';
import { ProblemAlert } from '../../components';
import { CopyField } from '../customer/CopyField';
import { usePageStyles } from '../customer/styles';
import { roleLabels, roles } from '../customer/vocabulary';

const roleHints: Readonly<Record<Role, string>> = {
  admin: 'Everything, including users, relationships and profiles.',
  agent: 'Day-to-day work: register and deregister devices.',
  reader: 'Sees everything, changes nothing.',
};

/** Creates a user in an organisation and shows its one-time password, once. */
export function AddUserDialog({
  open,
  organisation,
  onClose,
}: {
  readonly open: boolean;
  readonly organisation: OrgRef;
  readonly onClose: () => void;
}) {
  const styles = usePageStyles();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('admin');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<CreatedUser | null>(null);

  const emailError =
    error instanceof ApiError && (error.details?.['field'] === 'email' || error.status === 409)
      ? [error.message, error.remedy].filter(Boolean).join(' ')
      : undefined;

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (busy || email.trim() === '') {
      return;
    }
    setBusy(true);
    setError(null);
    const request: CreateUserRequest = { email: email.trim(), role };
    try {
      setCreated(
        await api.post<CreatedUser>(
          `/organisations/${encodeURIComponent(organisation.id)}/users`,
          request,
        ),
      );
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(_event, data) => {
        if (!data.open && !busy) {
          onClose();
        }
      }}
    >
      <DialogSurface>
        {created ? (
          <DialogBody>
            <DialogTitle>User created</DialogTitle>
            <DialogContent className={styles.form}>
              <Text>
                {created.email} can now sign in for {organisation.displayName} (
                {roleLabels[created.role]}).
              </Text>
              <MessageBar intent="warning">
                <MessageBarBody>
                  The one-time password is shown only once. Give it to {created.email} through a
                  safe channel; they choose their own password when they first sign in.
                </MessageBarBody>
              </MessageBar>
              <CopyField
                label="One-time password"
                value={created.oneTimePassword}
                copyLabel="Copy password"
                autoFocus
              />
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" onClick={onClose}>
                Done
              </Button>
            </DialogActions>
          </DialogBody>
        ) : (
          <form onSubmit={(event) => void submit(event)}>
            <DialogBody>
              <DialogTitle>Add a user to {organisation.displayName}</DialogTitle>
              <DialogContent className={styles.form}>
                <Field label="E-mail" validationMessage={emailError}>
                  <Input
                    type="email"
                    autoComplete="off"
                    value={email}
                    onChange={(_event, data) => setEmail(data.value)}
                  />
                </Field>
                <Field label="Role" hint={roleHints[role]}>
                  <Select value={role} onChange={(_event, data) => setRole(data.value as Role)}>
                    {roles.map((value) => (
                      <option key={value} value={value}>
                        {roleLabels[value]}
                      </option>
                    ))}
                  </Select>
                </Field>
                {error !== null && emailError === undefined && <ProblemAlert error={error} />}
              </DialogContent>
              <DialogActions>
                <Button
                  appearance="primary"
                  type="submit"
                  disabledFocusable={busy || email.trim() === ''}
                >
                  Create user
                </Button>
                <Button disabledFocusable={busy} onClick={onClose}>
                  Cancel
                </Button>
              </DialogActions>
            </DialogBody>
          </form>
        )}
      </DialogSurface>
    </Dialog>
  );
}
