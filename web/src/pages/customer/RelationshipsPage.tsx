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
import { PersonAddRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import type { OrgRef, RelationshipInfo } from '../../../../src/services/portal/contract';
import { api } from '../../api/client';
import {
  EmptyState,
  Loading,
  PageHeader,
  ProblemAlert,
  RelationshipStatusBadge,
  useApi,
} from '../../components';
import { useSession } from '../../session';
import { ConfirmDialog } from './ConfirmDialog';
import { InviteCustomerDialog } from './InviteCustomerDialog';
import { usePageStyles } from './styles';
import { useDialog } from './useDialog';
import { formatDate, permissionLabels, relationshipKindLabels } from './vocabulary';

/** The acting organisation's relationships, from whichever side it stands on. */
export function RelationshipsPage() {
  const styles = usePageStyles();
  const { session } = useSession();
  const organisation = session?.organisation ?? null;
  const relationships = useApi<{ items: RelationshipInfo[] }>('/relationships');
  const invitation = useDialog<true>();
  const revocation = useDialog<RelationshipInfo>();
  const revoking = revocation.subject;
  const [notice, setNotice] = useState<string | null>(null);

  const isAdmin = organisation?.role === 'admin';
  const isCustomer = organisation?.kind === 'customer';
  const canInvite = isAdmin && !isCustomer;
  const otherParty = (relationship: RelationshipInfo): OrgRef =>
    isCustomer ? relationship.registrar : relationship.customer;

  const items = relationships.data?.items ?? [];

  return (
    <div className={styles.stack}>
      <PageHeader
        title="Relationships"
        actions={
          canInvite ? (
            <Button
              appearance="primary"
              icon={<PersonAddRegular />}
              onClick={() => invitation.show(true)}
            >
              Invite a customer
            </Button>
          ) : undefined
        }
      />
      <Text>
        {isCustomer
          ? 'Partners and OEMs you allow to register devices for you. You can revoke access at any time; it takes effect immediately.'
          : 'Customers that allow you to register devices for them. A customer accepts your invitation link; either side can end the relationship.'}
      </Text>
      {notice !== null && (
        <div role="status">
          <Text weight="semibold">{notice}</Text>
        </div>
      )}
      {relationships.error ? (
        <ProblemAlert error={relationships.error} onRetry={relationships.reload} />
      ) : relationships.loading && !relationships.data ? (
        <Loading label="Loading relationships" />
      ) : items.length === 0 ? (
        <EmptyState title="No relationships yet">
          {isCustomer
            ? 'When a partner or OEM sends you an invitation link, open it to review and accept it. It then appears here.'
            : canInvite
              ? 'Invite a customer: it receives a link, and once its admin accepts, you can register devices for it.'
              : 'An admin of your organisation can invite customers.'}
        </EmptyState>
      ) : (
        <div className={styles.tableScroll}>
          <Table aria-label="Relationships" className={styles.wideTable}>
            <TableHeader>
              <TableRow>
                <TableHeaderCell>{isCustomer ? 'Partner or OEM' : 'Customer'}</TableHeaderCell>
                <TableHeaderCell>Kind</TableHeaderCell>
                <TableHeaderCell>Status</TableHeaderCell>
                <TableHeaderCell>Permissions</TableHeaderCell>
                <TableHeaderCell>Dates</TableHeaderCell>
                {isAdmin && <TableHeaderCell>Actions</TableHeaderCell>}
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.map((relationship) => {
                const party = otherParty(relationship);
                const open = relationship.status === 'invited' || relationship.status === 'active';
                return (
                  <TableRow key={relationship.id}>
                    <TableCell>
                      <div className={styles.cellStack}>
                        <Text weight="semibold">{party.displayName}</Text>
                        {party.domain && <Text className={styles.muted}>{party.domain}</Text>}
                      </div>
                    </TableCell>
                    <TableCell>{relationshipKindLabels[relationship.kind]}</TableCell>
                    <TableCell>
                      <RelationshipStatusBadge status={relationship.status} />
                    </TableCell>
                    <TableCell>
                      <div className={styles.badges}>
                        {relationship.permissions.map((permission) => (
                          <Badge key={permission} appearance="outline" color="informative">
                            {permissionLabels[permission]}
                          </Badge>
                        ))}
                      </div>
                    </TableCell>
                    <TableCell>
                      <RelationshipDates relationship={relationship} />
                    </TableCell>
                    {isAdmin && (
                      <TableCell>
                        {open && (
                          <Button
                            onClick={() => {
                              setNotice(null);
                              revocation.show(relationship);
                            }}
                          >
                            Revoke
                          </Button>
                        )}
                      </TableCell>
                    )}
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </div>
      )}
      {invitation.subject && (
        <InviteCustomerDialog
          key={invitation.key}
          open={invitation.open}
          onCreated={relationships.reload}
          onClose={invitation.hide}
        />
      )}
      {revoking && (
        <ConfirmDialog
          key={revocation.key}
          open={revocation.open}
          title={`Revoke access for ${otherParty(revoking).displayName}?`}
          confirmLabel="Revoke access"
          onClose={revocation.hide}
          onConfirm={async () => {
            await api.post<RelationshipInfo>(
              `/relationships/${encodeURIComponent(revoking.id)}/revoke`,
            );
            revocation.hide();
            setNotice(`Access for ${otherParty(revoking).displayName} revoked.`);
            relationships.reload();
          }}
        >
          <RevokeConsequence relationship={revoking} customerSide={isCustomer} />
        </ConfirmDialog>
      )}
    </div>
  );
}

function RelationshipDates({ relationship }: { readonly relationship: RelationshipInfo }) {
  const styles = usePageStyles();
  return (
    <div className={styles.cellStack}>
      <Text className={styles.nowrap}>Invited {formatDate(relationship.createdAt)}</Text>
      {relationship.acceptedAt && (
        <Text className={styles.nowrap}>Accepted {formatDate(relationship.acceptedAt)}</Text>
      )}
      {relationship.status === 'invited' && relationship.invitationExpiresAt && (
        <Text className={`${styles.nowrap} ${styles.muted}`}>
          Link expires {formatDate(relationship.invitationExpiresAt)}
        </Text>
      )}
      {relationship.endedAt && (
        <Text className={styles.nowrap}>Ended {formatDate(relationship.endedAt)}</Text>
      )}
    </div>
  );
}

/** What revoking changes, said from the reader's side. */
function RevokeConsequence({
  relationship,
  customerSide,
}: {
  readonly relationship: RelationshipInfo;
  readonly customerSide: boolean;
}) {
  const registrar = relationship.registrar.displayName;
  const customer = relationship.customer.displayName;
  if (relationship.status === 'invited') {
    return (
      <Text as="p">
        The invitation link stops working at once: {customer} can no longer accept it.{' '}
        {customerSide
          ? `${registrar} would need to send a new one.`
          : 'You can send a new one later.'}
      </Text>
    );
  }
  return (
    <>
      <Text as="p">
        {customerSide
          ? `From now on ${registrar} can no longer register devices for you, deregister them or see them.`
          : `From now on you can no longer register devices for ${customer}, deregister them or see them.`}
      </Text>
      <Text as="p">
        Devices already registered stay registered to {customer}. Access cannot be restored: working
        together again takes a new invitation.
      </Text>
    </>
  );
}
