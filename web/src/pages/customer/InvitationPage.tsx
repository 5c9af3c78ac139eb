import {
  Badge,
  Button,
  MessageBar,
  MessageBarBody,
  Subtitle2,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { CheckmarkCircleRegular } from '@fluentui/react-icons';
import { useId, useState } from 'react';
import type { ReactNode } from 'react';
import { useParams } from 'react-router-dom';
import type {
  InvitationPreview,
  RelationshipInfo,
  SessionInfo,
} from '../../../../src/services/portal/contract';
import { api } from '../../api/client';
import {
  AppLink,
  Loading,
  PageHeader,
  ProblemAlert,
  formatDateTime,
  useApi,
} from '../../components';
import { useSession } from '../../session';
import { usePageStyles } from './styles';
import { permissionLabels } from './vocabulary';

const useStyles = makeStyles({
  card: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    maxWidth: '640px',
    '& p': { margin: 0 },
  },
  grants: {
    margin: 0,
    paddingInlineStart: tokens.spacingHorizontalXL,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
  },
  accepted: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalS,
  },
  actions: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalM,
  },
});

/**
 * A customer admin's consent screen for a reseller invitation or an OEM authorization link
 * (both open `GET /invitations/:token`). Says plainly what accepting allows and how to undo it.
 */
export function InvitationPage() {
  const pageStyles = usePageStyles();
  const styles = useStyles();
  const { token } = useParams();
  const { session, switchOrganisation } = useSession();
  const path = token ? `/invitations/${encodeURIComponent(token)}` : null;
  const preview = useApi<InvitationPreview>(path);
  const [accepted, setAccepted] = useState<RelationshipInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const grantsHeadingId = useId();

  if (preview.error) {
    return (
      <div className={pageStyles.stack}>
        <PageHeader title="Invitation" />
        <ProblemAlert error={preview.error} onRetry={preview.reload} />
      </div>
    );
  }
  if (!preview.data) {
    return <Loading label="Loading the invitation" />;
  }

  const { grants, canAccept } = preview.data;
  const relationship = accepted ?? preview.data.relationship;
  const registrar = relationship.registrar.displayName;
  const customer = relationship.customer.displayName;
  const registrarKind = relationship.kind === 'oem' ? 'an OEM' : 'a partner';

  async function act(change: () => Promise<void>): Promise<void> {
    if (busy) {
      return;
    }
    setBusy(true);
    setActionError(null);
    try {
      await change();
    } catch (failure) {
      setActionError(failure);
    } finally {
      setBusy(false);
    }
  }

  const accept = () =>
    act(async () => {
      setAccepted(
        await api.post<RelationshipInfo>(`/invitations/${encodeURIComponent(token ?? '')}/accept`),
      );
    });

  // The page is remounted for the new organisation (see perOrganisation) and asks again.
  const switchToCustomer = () => act(() => switchOrganisation(relationship.customer.id));

  return (
    <div className={pageStyles.stack}>
      <PageHeader title={`Invitation from ${registrar}`} />
      <div className={styles.card}>
        <Text as="p">
          {registrar}, {registrarKind}, asks {customer} for permission to register Windows devices
          for it{relationship.kind === 'oem' ? ' at the factory' : ''}, so they set themselves up
          with {customer}’s deployment profiles at first boot.
        </Text>

        <Subtitle2 as="h2" id={grantsHeadingId}>
          What you allow
        </Subtitle2>
        <ul aria-labelledby={grantsHeadingId} className={styles.grants}>
          {(grants.length > 0
            ? grants
            : relationship.permissions.map((permission) => permissionLabels[permission])
          ).map((grant) => (
            <li key={grant}>
              <Text>{grant}</Text>
            </li>
          ))}
        </ul>

        <Text as="p">
          You can revoke this access at any time on the Relationships page. From that moment{' '}
          {registrar} can no longer do any of this; devices already registered stay {customer}’s.
        </Text>

        {accepted ? (
          <>
            <div role="status" aria-label="Accepted" className={styles.accepted}>
              <Badge
                appearance="filled"
                color="success"
                size="large"
                icon={<CheckmarkCircleRegular />}
              >
                Accepted
              </Badge>
              <Text>
                {registrar} can now register devices for {customer}.
              </Text>
            </div>
            <AppLink to="/relationships">Go to Relationships</AppLink>
          </>
        ) : (
          <>
            {relationship.status === 'invited' && relationship.invitationExpiresAt && (
              <Text as="p">
                This invitation expires on {formatDateTime(relationship.invitationExpiresAt)}.
              </Text>
            )}
            {canAccept ? (
              <div className={styles.actions}>
                <Button appearance="primary" disabledFocusable={busy} onClick={() => void accept()}>
                  Accept
                </Button>
              </div>
            ) : (
              <WhyNotAcceptable
                relationship={relationship}
                session={session}
                busy={busy}
                onSwitch={() => void switchToCustomer()}
              />
            )}
          </>
        )}
        {actionError !== null && <ProblemAlert error={actionError} />}
      </div>
    </div>
  );
}

/** The reason the user cannot accept, and the way forward when there is one. */
function WhyNotAcceptable({
  relationship,
  session,
  busy,
  onSwitch,
}: {
  readonly relationship: RelationshipInfo;
  readonly session: SessionInfo | null;
  readonly busy: boolean;
  readonly onSwitch: () => void;
}) {
  const registrar = relationship.registrar.displayName;
  const customer = relationship.customer.displayName;
  const expiredAt = relationship.invitationExpiresAt;
  const expired =
    relationship.status === 'expired' ||
    (relationship.status === 'invited' &&
      expiredAt !== null &&
      Date.parse(expiredAt) <= Date.now());

  if (relationship.status === 'active') {
    return (
      <Reason intent="success">
        This invitation was already accepted
        {relationship.acceptedAt ? ` on ${formatDateTime(relationship.acceptedAt)}` : ''}.{' '}
        <AppLink to="/relationships">See Relationships</AppLink>
      </Reason>
    );
  }
  if (expired) {
    return (
      <Reason intent="warning">
        This invitation expired{expiredAt ? ` on ${formatDateTime(expiredAt)}` : ''}. Ask{' '}
        {registrar} to send a new link.
      </Reason>
    );
  }
  if (relationship.status === 'revoked') {
    return (
      <Reason intent="warning">
        This invitation was withdrawn
        {relationship.endedAt ? ` on ${formatDateTime(relationship.endedAt)}` : ''}. Ask {registrar}{' '}
        to send a new link if you still want to work with them.
      </Reason>
    );
  }
  // Still open, so the user is the wrong person, or acting for the wrong organisation.
  const adminMembership = session?.memberships.find(
    (membership) => membership.id === relationship.customer.id && membership.role === 'admin',
  );
  if (adminMembership && session?.organisation?.id !== relationship.customer.id) {
    return (
      <Reason intent="info">
        You are acting for {session?.organisation?.displayName ?? 'another organisation'}. To
        accept, act for {customer}.{' '}
        <Button size="small" disabledFocusable={busy} onClick={onSwitch}>
          Act for {customer}
        </Button>
      </Reason>
    );
  }
  return (
    <Reason intent="info">
      Only an admin of {customer} can accept this invitation. Send the link to one of them.
    </Reason>
  );
}

function Reason({
  intent,
  children,
}: {
  readonly intent: 'info' | 'warning' | 'success';
  readonly children: ReactNode;
}) {
  return (
    <MessageBar intent={intent} layout="multiline">
      <MessageBarBody>{children}</MessageBarBody>
    </MessageBar>
  );
}
