import {
  Body1,
  Button,
  Checkbox,
  Link,
  MessageBar,
  MessageBarBody,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { ArrowDownload20Regular } from '@fluentui/react-icons/svg/arrow-download';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import type { BatchInfo } from '../../../../src/services/portal/contract';
import { ApiError, api, apiUrl } from '../../api/client';
import { AppLink, PageHeader, ProblemAlert } from '../../components';
import { useDebounced } from '../../layout/useDebounced';
import { DeviceFileDrop } from './DeviceFileDrop';
import { GroupNameField } from './GroupNameField';
import { PreviewSection } from './PreviewSection';
import { usePreview } from './usePreview';
import { consentProblem, useCustomer } from './useCustomer';

const maxUploadBytes = 64 * 1024 * 1024;

const useStyles = makeStyles({
  breadcrumb: {
    display: 'flex',
    gap: tokens.spacingHorizontalS,
    marginTop: `calc(-1 * ${tokens.spacingVerticalM})`,
    marginBottom: tokens.spacingVerticalL,
    color: tokens.colorNeutralForeground3,
  },
  banner: { marginBottom: tokens.spacingVerticalL },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  submit: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    marginTop: tokens.spacingVerticalXL,
    paddingTop: tokens.spacingVerticalL,
    borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
});

/**
 * Add devices: a group name checked as it is typed, a file previewed as soon as it is
 * chosen (nothing stored), then one click to register and follow the batch.
 */
export function AddDevicesPage() {
  const styles = useStyles();
  const navigate = useNavigate();
  const { customerId = '' } = useParams();
  const customer = useCustomer(customerId);
  const [groupName, setGroupName] = useState('');
  const [strictTags, setStrictTags] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<unknown>(null);

  // Sent exactly as typed, as the server keeps it (see previewUpload).
  const groupTag = groupName.trim() === '' ? undefined : groupName;
  const settledGroupName = useDebounced(groupTag ?? '', 400);
  const query = {
    groupTag: settledGroupName || undefined,
    fileName: file?.name,
    strictTags: strictTags ? 'true' : undefined,
  };
  // The server refuses bodies over 64 MiB; saying so here spares the upload.
  const tooLarge = file !== null && file.size > maxUploadBytes;
  const preview = usePreview(customerId, tooLarge ? null : file, query);
  const consent = customer.data ? consentProblem(customer.data) : null;

  function changeGroupName(name: string) {
    setSubmitError(null);
    setGroupName(name);
  }

  function chooseFile(chosen: File) {
    setSubmitError(null);
    setFile(chosen);
  }

  async function register() {
    if (!file) {
      return;
    }
    setSubmitting(true);
    setSubmitError(null);
    try {
      const batch = await api.upload<BatchInfo>(
        `/customers/${encodeURIComponent(customerId)}/batches`,
        file,
        { ...query, groupTag },
      );
      void navigate(`/batches/${batch.id}`);
    } catch (failure) {
      setSubmitError(failure);
      setSubmitting(false);
    }
  }

  const blockedByFile = preview.preview !== null && !preview.preview.file.ok;

  if (customer.error && !customer.data) {
    return (
      <>
        <PageHeader title="Add devices" />
        <ProblemAlert error={customer.error} onRetry={customer.reload} />
        <p>
          <AppLink to="/customers">Back to Customers</AppLink>
        </p>
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="Add devices"
        actions={
          <Link href={apiUrl('/sample.csv')} download>
            <ArrowDownload20Regular style={{ verticalAlign: 'text-bottom', marginRight: 4 }} />
            Download sample CSV
          </Link>
        }
      />
      <div className={styles.breadcrumb}>
        <AppLink to="/customers">Customers</AppLink>
        <span aria-hidden="true">›</span>
        <AppLink to={`/customers/${customerId}`}>
          {customer.data?.displayName ?? 'Customer'}
        </AppLink>
      </div>
      {consent ? (
        <MessageBar intent="warning" className={styles.banner}>
          <MessageBarBody>{consent}</MessageBarBody>
        </MessageBar>
      ) : null}

      <div className={styles.form}>
        <GroupNameField customerId={customerId} value={groupName} onChange={changeGroupName} />
        <Checkbox
          checked={strictTags}
          onChange={(_, data) => setStrictTags(data.checked === true)}
          label="Refuse devices whose group tag only nearly matches a rule (instead of registering them without a profile)"
        />
        <DeviceFileDrop file={file} onFile={chooseFile} />
        {tooLarge ? (
          <ProblemAlert
            error={
              new ApiError(
                413,
                'upload.too_large',
                `The file is ${(file.size / 1024 / 1024).toFixed(0)} MiB; at most 64 MiB can be uploaded at once.`,
                'Split the device list into smaller files and add them one after another.',
              )
            }
          />
        ) : null}
      </div>

      <PreviewSection
        state={submitError ? { ...preview, error: null } : preview}
        fileChosen={file !== null}
      />

      <div className={styles.submit}>
        {/* One alert at a time: the refusal of the registration replaces the preview's. */}
        {submitError ? (
          <div style={{ flexBasis: '100%' }}>
            <ProblemAlert error={submitError} />
          </div>
        ) : null}
        <Button
          appearance="primary"
          disabled={!file || tooLarge || submitting || consent !== null}
          onClick={() => void register()}
        >
          Register devices
        </Button>
        <Body1>
          {consent !== null
            ? 'You cannot register devices for this customer: see the warning above.'
            : !file
              ? 'Choose a file first.'
              : submitting
                ? 'Sending the file…'
                : blockedByFile
                  ? 'The file has problems that stop it; the server will refuse it until they are fixed.'
                  : preview.preview
                    ? `${preview.preview.counts.would_register.toLocaleString()} devices will be registered.`
                    : null}
        </Body1>
      </div>
    </>
  );
}
