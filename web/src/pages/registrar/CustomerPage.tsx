import {
  Button,
  Link,
  MessageBar,
  MessageBarBody,
  Tab,
  TabList,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { Add20Regular } from '@fluentui/react-icons/svg/add';
import { ArrowDownload20Regular } from '@fluentui/react-icons/svg/arrow-download';
import { useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { BatchInfo, Page } from '../../../../src/services/portal/contract';
import { apiUrl } from '../../api/client';
import {
  AppLink,
  Loading,
  PageHeader,
  ProblemAlert,
  RelationshipStatusBadge,
  useApi,
} from '../../components';
import { BatchList } from '../batches/BatchesPage';
import { DevicesTab } from './DevicesTab';
import { consentProblem, useCustomer } from './useCustomer';

const useStyles = makeStyles({
  meta: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    marginTop: `calc(-1 * ${tokens.spacingVerticalM})`,
    marginBottom: tokens.spacingVerticalL,
    color: tokens.colorNeutralForeground3,
  },
  tabs: { marginBottom: tokens.spacingVerticalL },
  banner: { marginBottom: tokens.spacingVerticalL },
});

type TabName = 'devices' | 'batches';

/** A customer seen by its partner or OEM: its devices, the batches sent, Add devices. */
export function CustomerPage() {
  const styles = useStyles();
  const { customerId = '' } = useParams();
  const [searchParams, setSearchParams] = useSearchParams();
  const tab: TabName = searchParams.get('tab') === 'batches' ? 'batches' : 'devices';
  const customer = useCustomer(customerId);

  if (customer.error && !customer.data) {
    return (
      <>
        <PageHeader title="Customer" />
        <ProblemAlert error={customer.error} onRetry={customer.reload} />
        <p>
          <AppLink to="/customers">Back to Customers</AppLink>
        </p>
      </>
    );
  }
  if (!customer.data) {
    return <Loading label="Loading the customer…" />;
  }
  const info = customer.data;
  const problem = consentProblem(info);

  return (
    <>
      <PageHeader title={info.displayName} actions={<AddDevicesActions customerId={info.id} />} />
      <div className={styles.meta}>
        <AppLink to="/customers">Customers</AppLink>
        {info.domain ? <Text>{info.domain}</Text> : null}
        <RelationshipStatusBadge status={info.relationship.status} />
      </div>
      {problem ? (
        <MessageBar intent="warning" className={styles.banner}>
          <MessageBarBody>{problem}</MessageBarBody>
        </MessageBar>
      ) : null}
      <TabList
        className={styles.tabs}
        selectedValue={tab}
        onTabSelect={(_, data) =>
          setSearchParams(data.value === 'batches' ? { tab: 'batches' } : {}, { replace: true })
        }
      >
        <Tab value="devices">Devices</Tab>
        <Tab value="batches">Batches</Tab>
      </TabList>
      <div role="tabpanel" aria-label={tab === 'devices' ? 'Devices' : 'Batches'}>
        {tab === 'devices' ? (
          <DevicesTab customerId={info.id} />
        ) : (
          <BatchesTab customerId={info.id} />
        )}
      </div>
    </>
  );
}

/** "Add devices" with the sample file beside it, as registrars know it from Partner Center. */
export function AddDevicesActions({ customerId }: { readonly customerId: string }) {
  const navigate = useNavigate();
  return (
    <>
      <Link href={apiUrl('/sample.csv')} download>
        <ArrowDownload20Regular style={{ verticalAlign: 'text-bottom', marginRight: 4 }} />
        Download sample CSV
      </Link>
      <Button
        appearance="primary"
        icon={<Add20Regular />}
        onClick={() => void navigate(`/customers/${customerId}/add-devices`)}
      >
        Add devices
      </Button>
    </>
  );
}

function BatchesTab({ customerId }: { readonly customerId: string }) {
  const [offset, setOffset] = useState(0);
  const batches = useApi<Page<BatchInfo>>('/batches', { customerId, offset, limit: 50 });
  return (
    <BatchList
      resource={batches}
      counterpart="none"
      onPage={setOffset}
      empty="Choose Add devices to register this customer's first batch."
    />
  );
}
