import {
  Button,
  Field,
  Input,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
} from '@fluentui/react-components';
import { AddRegular, PersonAddRegular } from '@fluentui/react-icons';
import { useEffect, useState } from 'react';
import type { OrgRef, Page } from '../../../../src/services/portal/contract';
import { EmptyState, Loading, PageHeader, Pager, ProblemAlert, useApi } from '../../components';
import { usePageStyles } from '../customer/styles';
import { useDialog } from '../customer/useDialog';
import { orgKindLabels } from '../customer/vocabulary';
import { AddUserDialog } from './AddUserDialog';
import { NewOrganisationDialog } from './NewOrganisationDialog';

const pageSize = 50;

/** The operator's list of tenants: create organisations and give them their first users. */
export function OrganisationsPage() {
  const styles = usePageStyles();
  const [search, setSearch] = useState('');
  const [settledSearch, setSettledSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const creation = useDialog<true>();
  const userCreation = useDialog<OrgRef>();
  const [notice, setNotice] = useState<string | null>(null);

  // Query once the operator pauses typing; a new search starts at the first page.
  useEffect(() => {
    const timer = setTimeout(() => {
      setSettledSearch(search.trim());
      setOffset(0);
    }, 300);
    return () => clearTimeout(timer);
  }, [search]);

  const organisations = useApi<Page<OrgRef>>('/organisations', {
    search: settledSearch,
    offset,
    limit: pageSize,
  });
  const page = organisations.data;

  return (
    <div className={styles.stack}>
      <PageHeader
        title="Organisations"
        actions={
          <Button
            appearance="primary"
            icon={<AddRegular />}
            onClick={() => {
              setNotice(null);
              creation.show(true);
            }}
          >
            New organisation
          </Button>
        }
      />
      <div className={styles.filters} role="search" aria-label="Find organisations">
        <Field label="Search organisations" className={styles.filterField}>
          <Input type="search" value={search} onChange={(_event, data) => setSearch(data.value)} />
        </Field>
      </div>
      {notice !== null && (
        <div role="status">
          <Text weight="semibold">{notice}</Text>
        </div>
      )}

      {organisations.error ? (
        <ProblemAlert error={organisations.error} onRetry={organisations.reload} />
      ) : !page ? (
        <Loading label="Loading organisations" />
      ) : page.total === 0 ? (
        settledSearch ? (
          <EmptyState title="No organisations match this search" />
        ) : (
          <EmptyState title="No organisations yet">
            <Text>
              Create the partners, OEMs and customers that use this Preflight, then add their first
              admin.
            </Text>
          </EmptyState>
        )
      ) : (
        <div>
          <div className={styles.tableScroll}>
            <Table aria-label="Organisations" className={styles.narrowTable}>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Name</TableHeaderCell>
                  <TableHeaderCell>Kind</TableHeaderCell>
                  <TableHeaderCell>Domain</TableHeaderCell>
                  <TableHeaderCell>Actions</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {page.items.map((organisation) => (
                  <TableRow key={organisation.id}>
                    <TableCell>
                      <Text weight="semibold">{organisation.displayName}</Text>
                    </TableCell>
                    <TableCell>{orgKindLabels[organisation.kind]}</TableCell>
                    <TableCell>
                      {organisation.domain ?? <span className={styles.muted}>None</span>}
                    </TableCell>
                    <TableCell>
                      <Button
                        size="small"
                        icon={<PersonAddRegular />}
                        onClick={() => {
                          setNotice(null);
                          userCreation.show(organisation);
                        }}
                      >
                        Add user
                      </Button>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
          <Pager offset={page.offset} limit={page.limit} total={page.total} onChange={setOffset} />
        </div>
      )}

      {creation.subject && (
        <NewOrganisationDialog
          key={creation.key}
          open={creation.open}
          onClose={creation.hide}
          onCreated={(organisation) => {
            creation.hide();
            setNotice(`${organisation.displayName} created. Add its first admin with Add user.`);
            organisations.reload();
          }}
        />
      )}
      {userCreation.subject && (
        <AddUserDialog
          key={userCreation.key}
          open={userCreation.open}
          organisation={userCreation.subject}
          onClose={userCreation.hide}
        />
      )}
    </div>
  );
}
