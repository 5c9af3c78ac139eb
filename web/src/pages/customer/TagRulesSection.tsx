import {
  Button,
  Field,
  Input,
  Select,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { AddRegular } from '@fluentui/react-icons';
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import type {
  CreateTagRuleRequest,
  ProfileInfo,
  TagRuleInfo,
} from '../../../../src/services/portal/contract';
import { ApiError, api } from '../../api/client';
import { EmptyState, Loading, ProblemAlert, formatDateTime, useApi } from '../../components';
import { ConfirmDialog } from './ConfirmDialog';
import { usePageStyles } from './styles';
import { useDialog } from './useDialog';
import { actorName } from './vocabulary';

const useStyles = makeStyles({
  section: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
  },
  addForm: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 220px), 1fr))',
    gap: tokens.spacingHorizontalM,
    alignItems: 'start',
    padding: tokens.spacingHorizontalL,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground2,
  },
  submit: {
    alignSelf: 'end',
    justifySelf: 'start',
  },
});

/** What the reference matches a group tag against: `[OrderID]:<tag>`, exactly. */
const orderIdRule = /^\(device\.devicePhysicalIds -any \(_ -eq "\[OrderID\]:(.*)"\)\)$/;

function tagOf(rule: string): string | null {
  return orderIdRule.exec(rule)?.[1] ?? null;
}

/**
 * The customer's assignment rules: which group tag (or full rule) selects which profile.
 * Adding takes either a group tag (exact, case-sensitive match) or a rule in full syntax.
 */
export function TagRulesSection({
  profiles,
  canEdit,
  onChanged,
}: {
  readonly profiles: readonly ProfileInfo[];
  readonly canEdit: boolean;
  /** Rules change the profiles' tag lists. */
  readonly onChanged: () => void;
}) {
  const styles = useStyles();
  const pageStyles = usePageStyles();
  const headingId = useId();
  const rules = useApi<{ items: TagRuleInfo[] }>('/tag-rules');
  const [groupTag, setGroupTag] = useState('');
  const [ruleText, setRuleText] = useState('');
  const [profileId, setProfileId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [localProblem, setLocalProblem] = useState<{
    field: 'groupTag' | 'rule' | 'profileId';
    message: string;
  } | null>(null);
  const deletion = useDialog<TagRuleInfo>();
  const deleting = deletion.subject;
  const [notice, setNotice] = useState<string | null>(null);

  const chosenProfileId = profileId || profiles[0]?.id || '';
  const serverField =
    error instanceof ApiError && typeof error.details?.['field'] === 'string'
      ? error.details['field']
      : null;
  const messageFor = (field: 'groupTag' | 'rule' | 'profileId'): string | undefined => {
    if (localProblem?.field === field) {
      return localProblem.message;
    }
    if (serverField === field && error instanceof ApiError) {
      return [error.message, error.remedy].filter(Boolean).join(' ');
    }
    return undefined;
  };
  const shownInField =
    serverField === 'groupTag' || serverField === 'rule' || serverField === 'profileId';
  const tagHasEdgeSpace = groupTag !== groupTag.trim();

  async function add(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (busy) {
      return;
    }
    setError(null);
    setNotice(null);
    const hasTag = groupTag.trim() !== '';
    const hasRule = ruleText.trim() !== '';
    if (!hasTag && !hasRule) {
      setLocalProblem({
        field: 'groupTag',
        message: 'Give a group tag, or a rule in full syntax.',
      });
      return;
    }
    if (hasTag && hasRule) {
      setLocalProblem({ field: 'rule', message: 'Give either a group tag or a rule, not both.' });
      return;
    }
    if (!chosenProfileId) {
      setLocalProblem({ field: 'profileId', message: 'Create a profile first.' });
      return;
    }
    setLocalProblem(null);
    setBusy(true);
    // The tag is sent as typed: it must match the devices' tags exactly, spaces included.
    const request: CreateTagRuleRequest = hasTag
      ? { profileId: chosenProfileId, groupTag }
      : { profileId: chosenProfileId, rule: ruleText.trim() };
    try {
      const created = await api.post<TagRuleInfo>('/tag-rules', request);
      setGroupTag('');
      setRuleText('');
      setNotice(`Rule added: devices matching it receive ${created.profile.displayName}.`);
      rules.reload();
      onChanged();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  const items = rules.data?.items ?? [];

  return (
    <section aria-labelledby={headingId} className={styles.section}>
      <Subtitle2 as="h2" id={headingId}>
        Tag rules
      </Subtitle2>
      <Text>
        A device whose group tag matches a rule receives the rule’s profile at once. Group tags
        match exactly: case, spaces, hyphens and underscores all count.
      </Text>

      {rules.error ? (
        <ProblemAlert error={rules.error} onRetry={rules.reload} />
      ) : !rules.data ? (
        <Loading label="Loading tag rules" />
      ) : items.length === 0 ? (
        <EmptyState title="No tag rules yet">
          <Text>Without a rule, devices get no profile from their group tag.</Text>
        </EmptyState>
      ) : (
        <div className={pageStyles.tableScroll}>
          <Table aria-label="Tag rules" className={pageStyles.narrowTable}>
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Group tag or rule</TableHeaderCell>
                <TableHeaderCell>Profile</TableHeaderCell>
                <TableHeaderCell>Created</TableHeaderCell>
                {canEdit && <TableHeaderCell>Actions</TableHeaderCell>}
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.map((rule) => {
                const tag = tagOf(rule.rule);
                return (
                  <TableRow key={rule.id}>
                    <TableCell>
                      <div className={pageStyles.cellStack}>
                        {tag !== null ? (
                          <>
                            <span className={pageStyles.code}>{tag}</span>
                            <Text size={200} className={pageStyles.muted}>
                              Group tag, exact match
                            </Text>
                          </>
                        ) : (
                          <span className={`${pageStyles.code} ${pageStyles.wrapAnywhere}`}>
                            {rule.rule}
                          </span>
                        )}
                      </div>
                    </TableCell>
                    <TableCell>{rule.profile.displayName}</TableCell>
                    <TableCell>
                      <div className={pageStyles.cellStack}>
                        <span className={pageStyles.nowrap}>{formatDateTime(rule.createdAt)}</span>
                        <Text size={200} className={pageStyles.muted}>
                          {actorName(rule.createdBy)}
                        </Text>
                      </div>
                    </TableCell>
                    {canEdit && (
                      <TableCell>
                        <Button
                          size="small"
                          aria-label={`Delete rule ${tag ?? rule.rule}`}
                          onClick={() => {
                            setNotice(null);
                            deletion.show(rule);
                          }}
                        >
                          Delete
                        </Button>
                      </TableCell>
                    )}
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </div>
      )}

      {notice !== null && (
        <div role="status">
          <Text weight="semibold">{notice}</Text>
        </div>
      )}

      {canEdit && (
        <form className={styles.addForm} onSubmit={(event) => void add(event)} noValidate>
          <Field
            label="Group tag"
            hint={
              tagHasEdgeSpace
                ? 'This tag starts or ends with a space; only devices tagged with the same space will match.'
                : 'Exact, case-sensitive, e.g. Sales-Laptops.'
            }
            validationMessage={messageFor('groupTag')}
          >
            <Input
              value={groupTag}
              onChange={(_event, data) => {
                setGroupTag(data.value);
                setLocalProblem(null);
              }}
            />
          </Field>
          <Field
            label="Rule"
            hint='Or the full syntax, e.g. (device.devicePhysicalIds -any (_ -eq "[OrderID]:Sales"))'
            validationMessage={messageFor('rule')}
          >
            <Input
              value={ruleText}
              className={pageStyles.code}
              onChange={(_event, data) => {
                setRuleText(data.value);
                setLocalProblem(null);
              }}
            />
          </Field>
          <Field label="Profile" validationMessage={messageFor('profileId')}>
            <Select
              value={chosenProfileId}
              disabled={profiles.length === 0}
              onChange={(_event, data) => setProfileId(data.value)}
            >
              {profiles.map((profile) => (
                <option key={profile.id} value={profile.id}>
                  {profile.displayName}
                </option>
              ))}
            </Select>
          </Field>
          <Button
            type="submit"
            appearance="primary"
            icon={<AddRegular />}
            disabledFocusable={busy}
            className={styles.submit}
          >
            Add rule
          </Button>
          {error !== null && !shownInField && <ProblemAlert error={error} />}
        </form>
      )}

      {deleting && (
        <ConfirmDialog
          key={deletion.key}
          open={deletion.open}
          title="Delete this rule?"
          confirmLabel="Delete rule"
          onClose={deletion.hide}
          onConfirm={async () => {
            await api.delete(`/tag-rules/${encodeURIComponent(deleting.id)}`);
            deletion.hide();
            setNotice('Rule deleted.');
            rules.reload();
            onChanged();
          }}
        >
          <Text as="p">
            Devices with{' '}
            {tagOf(deleting.rule) !== null ? (
              <>
                the group tag <span className={pageStyles.code}>{tagOf(deleting.rule)}</span>
              </>
            ) : (
              'a tag matching this rule'
            )}{' '}
            no longer receive {deleting.profile.displayName} through this rule. Unless another rule
            matches their tag, they are left without a profile.
          </Text>
        </ConfirmDialog>
      )}
    </section>
  );
}
