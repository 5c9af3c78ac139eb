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
  Radio,
  RadioGroup,
  Select,
  Switch,
  Textarea,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type {
  DeploymentMode,
  JoinType,
  OobeSettings,
  OobeUserType,
} from '../../../../src/domain/deployment-profile';
import type { CreateProfileRequest, ProfileInfo } from '../../../../src/services/portal/contract';
import { ApiError, api } from '../../api/client';
import { ProblemAlert } from '../../components';
import { usePageStyles } from './styles';
import { deploymentModeLabels, joinTypeLabels, userTypeLabels } from './vocabulary';

const useStyles = makeStyles({
  surface: {
    maxWidth: '640px',
  },
  pair: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(200px, 1fr))',
    gap: tokens.spacingHorizontalM,
    alignItems: 'start',
  },
  switches: {
    display: 'flex',
    flexDirection: 'column',
  },
});

/** Common Windows display languages; any other tag can still be given through the API. */
const languages: readonly (readonly [string, string])[] = [
  ['os-default', 'Operating system default'],
  ['en-US', 'English (United States)'],
  ['en-GB', 'English (United Kingdom)'],
  ['de-DE', 'German (Germany)'],
  ['fr-FR', 'French (France)'],
  ['es-ES', 'Spanish (Spain)'],
  ['it-IT', 'Italian (Italy)'],
  ['nl-NL', 'Dutch (Netherlands)'],
  ['pt-BR', 'Portuguese (Brazil)'],
  ['pl-PL', 'Polish (Poland)'],
  ['sv-SE', 'Swedish (Sweden)'],
  ['da-DK', 'Danish (Denmark)'],
  ['nb-NO', 'Norwegian Bokmål (Norway)'],
  ['fi-FI', 'Finnish (Finland)'],
  ['ja-JP', 'Japanese (Japan)'],
  ['zh-CN', 'Chinese (Simplified, China)'],
];

type OobeSwitch = Exclude<keyof OobeSettings, 'userType'>;
const oobeSwitches: readonly (readonly [OobeSwitch, string])[] = [
  ['hideEula', 'Hide the license terms (EULA)'],
  ['hidePrivacySettings', 'Hide privacy settings'],
  ['hideChangeAccountOptions', 'Hide change account options'],
  ['skipKeyboardSelection', 'Skip keyboard selection'],
];

/** The form's fields, by the name the server gives in `details.field` (without `settings.`). */
type FieldName =
  | 'displayName'
  | 'description'
  | 'deploymentMode'
  | 'joinType'
  | 'language'
  | 'deviceNameTemplate'
  | 'oobe.userType';

const fieldNames: readonly FieldName[] = [
  'displayName',
  'description',
  'deploymentMode',
  'joinType',
  'language',
  'deviceNameTemplate',
  'oobe.userType',
];

function fieldOf(error: unknown): FieldName | null {
  if (!(error instanceof ApiError)) {
    return null;
  }
  if (error.code === 'profile.duplicate_name') {
    return 'displayName';
  }
  if (typeof error.details?.['field'] !== 'string') {
    return null;
  }
  const field = error.details['field'].replace(/^settings\./, '');
  return fieldNames.find((name) => name === field) ?? null;
}

/** Creates a deployment profile with the reference's settings; defaults as in Graph. */
export function NewProfileDialog({
  open,
  onCreated,
  onClose,
}: {
  readonly open: boolean;
  readonly onCreated: (profile: ProfileInfo) => void;
  readonly onClose: () => void;
}) {
  const styles = useStyles();
  const pageStyles = usePageStyles();
  const [displayName, setDisplayName] = useState('');
  const [description, setDescription] = useState('');
  const [deploymentMode, setDeploymentMode] = useState<DeploymentMode>('userDriven');
  const [joinType, setJoinType] = useState<JoinType>('entra');
  const [language, setLanguage] = useState('os-default');
  const [deviceNameTemplate, setDeviceNameTemplate] = useState('');
  const [oobe, setOobe] = useState<Record<OobeSwitch, boolean>>({
    hideEula: false,
    hidePrivacySettings: false,
    hideChangeAccountOptions: false,
    skipKeyboardSelection: false,
  });
  const [userType, setUserType] = useState<OobeUserType>('administrator');
  const [convertTargeted, setConvertTargeted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const formRef = useRef<HTMLFormElement>(null);

  // The form is taller than a laptop screen: take the user to what went wrong.
  useEffect(() => {
    if (error === null) {
      return;
    }
    const form = formRef.current;
    const invalidField = form?.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (invalidField) {
      invalidField.focus();
    } else {
      form?.querySelector('[role="alert"]')?.scrollIntoView({ block: 'nearest' });
    }
  }, [error]);

  const errorField = fieldOf(error);
  const messageFor = (field: FieldName): string | undefined =>
    errorField === field && error instanceof ApiError
      ? // The field is named by its label already; drop the server's "settings.x: " prefix.
        [error.message.replace(/^[\w.]+: /, ''), error.remedy].filter(Boolean).join(' ')
      : undefined;
  // The device name template is an Entra-join setting: hybrid devices take their name on-premises.
  const templateApplies = joinType === 'entra';

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (busy) {
      return;
    }
    setBusy(true);
    setError(null);
    const request: CreateProfileRequest = {
      displayName: displayName.trim(),
      description: description.trim(),
      settings: {
        deploymentMode,
        joinType,
        language,
        deviceNameTemplate:
          templateApplies && deviceNameTemplate.trim() !== '' ? deviceNameTemplate.trim() : null,
        oobe: { ...oobe, userType },
        hardwareHashExtractionEnabled: convertTargeted,
      },
    };
    try {
      onCreated(await api.post<ProfileInfo>('/profiles', request));
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
      <DialogSurface className={styles.surface}>
        <form ref={formRef} onSubmit={(event) => void submit(event)}>
          <DialogBody>
            <DialogTitle>New profile</DialogTitle>
            <DialogContent className={pageStyles.form}>
              <Field label="Name" validationMessage={messageFor('displayName')}>
                <Input
                  value={displayName}
                  maxLength={200}
                  onChange={(_event, data) => setDisplayName(data.value)}
                />
              </Field>
              <Field label="Description" validationMessage={messageFor('description')}>
                <Textarea
                  value={description}
                  maxLength={1500}
                  resize="vertical"
                  onChange={(_event, data) => setDescription(data.value)}
                />
              </Field>
              <div className={styles.pair}>
                <Field label="Deployment mode" validationMessage={messageFor('deploymentMode')}>
                  <Select
                    value={deploymentMode}
                    onChange={(_event, data) => setDeploymentMode(data.value as DeploymentMode)}
                  >
                    {Object.entries(deploymentModeLabels).map(([value, label]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                  </Select>
                </Field>
                <Field label="Join type" validationMessage={messageFor('joinType')}>
                  <Select
                    value={joinType}
                    onChange={(_event, data) => setJoinType(data.value as JoinType)}
                  >
                    {Object.entries(joinTypeLabels).map(([value, label]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                  </Select>
                </Field>
              </div>
              <div className={styles.pair}>
                <Field label="Language" validationMessage={messageFor('language')}>
                  <Select value={language} onChange={(_event, data) => setLanguage(data.value)}>
                    {languages.map(([value, label]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                  </Select>
                </Field>
                <Field
                  label="Device name template"
                  validationMessage={messageFor('deviceNameTemplate')}
                  hint={
                    templateApplies
                      ? 'Optional. %SERIAL% is the serial number, %RAND:x% x random digits; at most 15 characters once expanded, e.g. CONTOSO-%RAND:5%.'
                      : 'Only for Microsoft Entra joined devices.'
                  }
                >
                  <Input
                    value={deviceNameTemplate}
                    disabled={!templateApplies}
                    onChange={(_event, data) => setDeviceNameTemplate(data.value)}
                  />
                </Field>
              </div>
              <fieldset className={pageStyles.fieldset}>
                <legend>Out-of-box experience</legend>
                <div className={styles.switches}>
                  {oobeSwitches.map(([key, label]) => (
                    <Switch
                      key={key}
                      label={label}
                      checked={oobe[key]}
                      onChange={(_event, data) =>
                        setOobe((current) => ({ ...current, [key]: data.checked }))
                      }
                    />
                  ))}
                </div>
              </fieldset>
              <Field label="User account type" validationMessage={messageFor('oobe.userType')}>
                <RadioGroup
                  layout="horizontal"
                  value={userType}
                  onChange={(_event, data) => setUserType(data.value as OobeUserType)}
                >
                  {Object.entries(userTypeLabels).map(([value, label]) => (
                    <Radio key={value} value={value} label={label} />
                  ))}
                </RadioGroup>
              </Field>
              <Switch
                label="Convert all targeted devices to Autopilot"
                checked={convertTargeted}
                onChange={(_event, data) => setConvertTargeted(data.checked)}
              />
              {error !== null && errorField === null && <ProblemAlert error={error} />}
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" type="submit" disabledFocusable={busy}>
                Create profile
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
