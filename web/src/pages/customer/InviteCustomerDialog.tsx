import {
  Button,
  Checkbox,
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
  Text,
} from '@fluentui/react-components';
import { useState } from 'react';
import type { FormEvent } from 'react';
import type { RelationshipPermission } from '../../../../src/domain/relationship';
import type {
  CreateInvitationRequest,
  CreatedInvitation,
} from '../../../../src/services/portal/contract';
import { ApiError, api } from '../../api/client';
import { ProblemAlert } from '../../components';
import { CopyField } from './CopyField';
import { usePageStyles } from './styles';
import { formatDate, permissionLabels, permissions } from './vocabulary';

const permissionHints: Readonly<Record<RelationshipPermission, string>> = {
  register_devices: 'Add new devices to the customer’s tenant.',
  deregister_devices: 'Remove devices you registered.',
  read_devices: 'See the devices you registered there and their profile status.',
};

/** Creates an invitation link for a customer (reseller) or an OEM authorization link. */
export function InviteCustomerDialog({
  open,
  onCreated,
  onClose,
}: {
  readonly open: boolean;
  readonly onCreated: () => void;
  readonly onClose: () => void;
}) {
  const styles = usePageStyles();
  const [customer, setCustomer] = useState('');
  const [chosen, setChosen] = useState<readonly RelationshipPermission[]>(permissions);
  const [expiresInDays, setExpiresInDays] = useState('14');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<CreatedInvitation | null>(null);

  const fieldError = (field: string): string | undefined =>
    error instanceof ApiError && error.details?.['field'] === field ? error.message : undefined;
  const customerError =
    fieldError('customer') ??
    (error instanceof ApiError && error.status === 404 ? error.message : undefined);
  const daysError = fieldError('expiresInDays');
  const permissionsError =
    fieldError('permissions') ??
    (chosen.length === 0 ? 'Choose at least one permission.' : undefined);
  const shownInFields = customerError !== undefined || daysError !== undefined;

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (busy || customer.trim() === '' || chosen.length === 0) {
      return;
    }
    setBusy(true);
    setError(null);
    const days = Number.parseInt(expiresInDays, 10);
    const request: CreateInvitationRequest = {
      customer: customer.trim(),
      permissions: chosen,
      ...(Number.isFinite(days) ? { expiresInDays: days } : {}),
    };
    try {
      setCreated(await api.post<CreatedInvitation>('/invitations', request));
      onCreated();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  function toggle(permission: RelationshipPermission, on: boolean): void {
    setChosen((current) =>
      // Keep the canonical order so the request reads like the list on screen.
      permissions.filter((p) => (p === permission ? on : current.includes(p))),
    );
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
            <DialogTitle>Invitation created</DialogTitle>
            <DialogContent className={styles.form}>
              <MessageBar intent="warning">
                <MessageBarBody>
                  This link is shown only once. Copy it now and send it to an admin of{' '}
                  {created.relationship.customer.displayName}.
                </MessageBarBody>
              </MessageBar>
              <CopyField
                label="Invitation link"
                value={created.url}
                copyLabel="Copy link"
                autoFocus
              />
              <Text>
                The admin opens the link, signs in, reviews what you will be allowed to do and
                accepts. The relationship is listed as Invited until then; the link expires{' '}
                {created.relationship.invitationExpiresAt
                  ? `on ${formatDate(created.relationship.invitationExpiresAt)}`
                  : 'after a while'}
                .
              </Text>
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
              <DialogTitle>Invite a customer</DialogTitle>
              <DialogContent className={styles.form}>
                <Field
                  label="Customer domain or name"
                  hint="The customer’s domain (contoso.com) or its exact name in Preflight."
                  validationMessage={customerError}
                >
                  <Input
                    value={customer}
                    onChange={(_event, data) => setCustomer(data.value)}
                    autoComplete="off"
                  />
                </Field>
                <fieldset className={styles.fieldset}>
                  <legend>Permissions</legend>
                  <div className={styles.cellStack}>
                    {permissions.map((permission) => (
                      <Checkbox
                        key={permission}
                        checked={chosen.includes(permission)}
                        onChange={(_event, data) => toggle(permission, data.checked === true)}
                        label={`${permissionLabels[permission]}: ${permissionHints[permission]}`}
                      />
                    ))}
                  </div>
                  {permissionsError && (
                    <Text role="alert" className={styles.errorText}>
                      {permissionsError}
                    </Text>
                  )}
                </fieldset>
                <Field label="Link valid for (days)" validationMessage={daysError}>
                  <Input
                    type="number"
                    min={1}
                    max={90}
                    value={expiresInDays}
                    onChange={(_event, data) => setExpiresInDays(data.value)}
                  />
                </Field>
                {error !== null && !shownInFields && <ProblemAlert error={error} />}
              </DialogContent>
              <DialogActions>
                <Button
                  appearance="primary"
                  type="submit"
                  disabledFocusable={busy || customer.trim() === '' || chosen.length === 0}
                >
                  Create invitation
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
