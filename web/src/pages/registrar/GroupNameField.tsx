import {
  Button,
  Combobox,
  Field,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  Option,
  Spinner,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import type { TagCheck, TagSuggestion } from '../../../../src/services/portal/contract';
import { useApi } from '../../components';
import { useDebounced } from '../../layout/useDebounced';

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    maxWidth: '560px',
  },
  option: { display: 'flex', flexDirection: 'column' },
  optionProfile: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  check: { minHeight: '36px' },
});

export interface GroupNameFieldProps {
  readonly customerId: string;
  readonly value: string;
  onChange(value: string): void;
}

/**
 * The group name with the customer's tags as suggestions and a check as the user types:
 * tags match exactly, capitals included, so a near miss would silently give no profile.
 */
export function GroupNameField({ customerId, value, onChange }: GroupNameFieldProps) {
  const styles = useStyles();
  const base = `/customers/${encodeURIComponent(customerId)}`;
  const suggestions = useApi<{ items: readonly TagSuggestion[] }>(`${base}/tags`);
  const typed = useDebounced(value, 300);
  const check = useApi<TagCheck>(typed ? `${base}/tag-check` : null, { groupTag: typed });
  const settled = typed === value;
  const current = settled && value && check.data?.groupTag === value ? check.data : null;

  const needle = value.toLowerCase();
  const options = (suggestions.data?.items ?? []).filter(
    (suggestion) => !needle || suggestion.tag.toLowerCase().includes(needle),
  );

  return (
    <div className={styles.root}>
      <Field
        label="Group name"
        hint="Given to every device in the file that has no group tag of its own. Deployment profiles are chosen by it; capitals count."
      >
        <Combobox
          freeform
          value={value}
          placeholder="Type or choose a group tag"
          onChange={(event) => onChange(event.target.value)}
          // Fluent clears its selection (optionValue undefined) when the text stops matching
          // an option; the typed text stays the group name.
          onOptionSelect={(_, data) => {
            if (data.optionValue !== undefined) {
              onChange(data.optionValue);
            }
          }}
        >
          {options.map((suggestion) => (
            <Option key={suggestion.tag} value={suggestion.tag} text={suggestion.tag}>
              <span className={styles.option}>
                <span>{suggestion.tag}</span>
                <span className={styles.optionProfile}>
                  {suggestion.profile ? suggestion.profile.displayName : 'No profile'} ·{' '}
                  {suggestion.devices.toLocaleString()} devices
                </span>
              </span>
            </Option>
          ))}
        </Combobox>
      </Field>
      <div className={styles.check} aria-live="polite">
        {value && !current && (check.loading || !settled) ? (
          <Spinner size="extra-tiny" label="Checking the group name…" labelPosition="after" />
        ) : null}
        {current ? <TagCheckMessage check={current} onUse={onChange} /> : null}
      </div>
    </div>
  );
}

function TagCheckMessage({ check, onUse }: { readonly check: TagCheck; onUse(tag: string): void }) {
  if (check.profile) {
    return (
      <MessageBar intent="success">
        <MessageBarBody>{check.message}</MessageBarBody>
      </MessageBar>
    );
  }
  const { nearMiss } = check;
  return (
    <MessageBar intent="warning" layout="multiline">
      <MessageBarBody>{check.message}</MessageBarBody>
      {nearMiss ? (
        <MessageBarActions>
          <Button size="small" onClick={() => onUse(nearMiss.tag)}>
            Use “{nearMiss.tag}”
          </Button>
        </MessageBarActions>
      ) : null}
    </MessageBar>
  );
}
