import {
  Badge,
  Button,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
} from '@fluentui/react-components';
import { AddRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import type { ProfileInfo } from '../../../../src/services/portal/contract';
import { EmptyState, Loading, PageHeader, ProblemAlert, useApi } from '../../components';
import { useSession } from '../../session';
import { NewProfileDialog } from './NewProfileDialog';
import { TagRulesSection } from './TagRulesSection';
import { usePageStyles } from './styles';
import { useDialog } from './useDialog';
import { deploymentModeLabels, joinTypeLabels } from './vocabulary';

/** The customer's deployment profiles and the group-tag rules that assign them. */
export function ProfilesPage() {
  const styles = usePageStyles();
  const { session } = useSession();
  const isAdmin = session?.organisation?.role === 'admin';
  const profiles = useApi<{ items: ProfileInfo[] }>('/profiles');
  const creation = useDialog<true>();
  const [notice, setNotice] = useState<string | null>(null);

  const items = profiles.data?.items ?? [];

  return (
    <div className={styles.stack}>
      <PageHeader
        title="Deployment profiles"
        actions={
          isAdmin ? (
            <Button
              appearance="primary"
              icon={<AddRegular />}
              onClick={() => {
                setNotice(null);
                creation.show(true);
              }}
            >
              New profile
            </Button>
          ) : undefined
        }
      />
      <Text>
        A profile is what a device is told at first boot: how it joins, what it is called and which
        setup screens it skips. Tag rules below decide which devices receive which profile.
      </Text>
      {notice !== null && (
        <div role="status">
          <Text weight="semibold">{notice}</Text>
        </div>
      )}

      {profiles.error ? (
        <ProblemAlert error={profiles.error} onRetry={profiles.reload} />
      ) : !profiles.data ? (
        <Loading label="Loading profiles" />
      ) : items.length === 0 ? (
        <EmptyState title="No profiles yet">
          <Text>
            {isAdmin
              ? 'Create one with New profile.'
              : 'An admin of your organisation can create one.'}
          </Text>
        </EmptyState>
      ) : (
        <div className={styles.tableScroll}>
          <Table aria-label="Profiles" className={styles.wideTable}>
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Name</TableHeaderCell>
                <TableHeaderCell>Built-in</TableHeaderCell>
                <TableHeaderCell>Settings</TableHeaderCell>
                <TableHeaderCell>Tags</TableHeaderCell>
                <TableHeaderCell>Devices</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.map((profile) => (
                <TableRow key={profile.id}>
                  <TableCell>
                    <div className={styles.cellStack}>
                      <Text weight="semibold">{profile.displayName}</Text>
                      {profile.description && (
                        <Text size={200} className={styles.muted}>
                          {profile.description}
                        </Text>
                      )}
                    </div>
                  </TableCell>
                  <TableCell>
                    {profile.builtIn ? (
                      <Badge appearance="tint" color="brand" className={styles.nowrap}>
                        Built-in
                      </Badge>
                    ) : (
                      'No'
                    )}
                  </TableCell>
                  <TableCell>
                    <div className={styles.cellStack}>
                      <span>{deploymentModeLabels[profile.settings.deploymentMode]}</span>
                      <Text size={200} className={styles.muted}>
                        {joinTypeLabels[profile.settings.joinType]}
                      </Text>
                    </div>
                  </TableCell>
                  <TableCell>
                    {profile.tags.length === 0 ? (
                      <span className={styles.muted}>None</span>
                    ) : (
                      <ul className={styles.tagList}>
                        {profile.tags.map((tag) => (
                          <li key={tag} className={`${styles.code} ${styles.nowrap}`}>
                            {tag}
                          </li>
                        ))}
                      </ul>
                    )}
                  </TableCell>
                  <TableCell>{profile.devices.toLocaleString()}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}

      <TagRulesSection profiles={items} canEdit={isAdmin} onChanged={profiles.reload} />

      {creation.subject && (
        <NewProfileDialog
          key={creation.key}
          open={creation.open}
          onClose={creation.hide}
          onCreated={(profile) => {
            creation.hide();
            setNotice(`Profile ${profile.displayName} created. Add a tag rule to assign it.`);
            profiles.reload();
          }}
        />
      )}
    </div>
  );
}
