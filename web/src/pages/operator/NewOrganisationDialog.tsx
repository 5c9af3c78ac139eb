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
  Select,
} from '@fluentui/react-components';
import { useState } from 'react';
import type { FormEvent } from 'react';
import type { OrgKind } from '../../../../src/domain/organisation';
import type { CreateOrganisationRequest, OrgRef } from '../../../../src/services/portal/contract';
import { ApiError, api } from '../../api/client';
import { ProblemAlert } from '../../components';
import { usePageStyles } from '../customer/styles';
import { orgKindLabels, orgKinds } from '../customer/vocabulary';

const kindHints: Readonly<Record<OrgKind, string>> = {
  partner: 'A reseller or MSP that registers devices for customers who accept its invitation.',
  oem: 'A manufacturer that registers devices at the factory for customers who authorize it.',
  customer: 'An organisation whose devices are registered; it accepts partners and OEMs.',
};

type FieldName = 'kind' | 'displayName' | 'domain';

export function NewOrganisationDialog({
  open,
  onCreated,
  onClose,
}: {
  readonly open: boolean;
  readonly onCreated: (organisation: OrgRef) => void;
  readonly onClose: () => void;
}) {
  const styles = usePageStyles();
  const [kind, setKind] = useState<OrgKind>('customer');
  const [displayName, setDisplayName] = useState('');
  const [domain, setDomain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const errorField =
    error instanceof ApiError && typeof error.details?.['field'] === 'string'
      ? error.details['field']
      : null;
  // A name or domain already taken is a conflict about that field.
  const messageFor = (field: FieldName): string | undefined =>
    errorField === field && error instanceof ApiError
      ? [error.message, error.remedy].filter(Boolean).join(' ')
      : undefined;
  const shownInField =
    errorField === 'kind' || errorField === 'displayName' || errorField === 'domain';

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (busy || displayName.trim() === '') {
      return;
    }
    setBusy(true);
    setError(null);
    const request: CreateOrganisationRequest = {
      kind,
      displayName: displayName.trim(),
      ...(domain.trim() ? { domain: domain.trim() } : {}),
    };
    try {
      onCreated(await api.post<OrgRef>('/organisations', request));
    } catch (failure) {
      setError(failure);
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
        <form onSubmit={(event) => void submit(event)}>
          <DialogBody>
            <DialogTitle>New organisation</DialogTitle>
            <DialogContent className={styles.form}>
              <Field label="Kind" hint={kindHints[kind]} validationMessage={messageFor('kind')}>
                <Select value={kind} onChange={(_event, data) => setKind(data.value as OrgKind)}>
                  {orgKinds.map((value) => (
                    <option key={value} value={value}>
                      {orgKindLabels[value]}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field label="Name" validationMessage={messageFor('displayName')}>
                <Input
                  value={displayName}
                  onChange={(_event, data) => setDisplayName(data.value)}
                />
              </Field>
              <Field
                label="Domain"
                hint="Optional, e.g. contoso.com. Partners can invite a customer by its domain."
                validationMessage={messageFor('domain')}
              >
                <Input value={domain} onChange={(_event, data) => setDomain(data.value)} />
              </Field>
              {error !== null && !shownInField && <ProblemAlert error={error} />}
            </DialogContent>
            <DialogActions>
              <Button
                appearance="primary"
                type="submit"
                disabledFocusable={busy || displayName.trim() === ''}
              >
                Create organisation
              </Button>
              <Button disabledFocusable={busy} onClick={onClose}>
                Cancel
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
