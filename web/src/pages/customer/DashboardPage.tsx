import {
  Card,
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
import { useId } from 'react';
import type { ReactNode } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Rectangle,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { BarShapeProps } from 'recharts';
import type { ProfileAssignmentStatus } from '../../../../src/domain/device';
import type { Dashboard } from '../../../../src/services/portal/contract';
import {
  AppLink,
  EmptyState,
  Loading,
  PageHeader,
  ProblemAlert,
  profileStatusLabels,
  useApi,
} from '../../components';
import { usePageStyles } from './styles';

const useStyles = makeStyles({
  figures: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(160px, 1fr))',
    gap: tokens.spacingHorizontalM,
    margin: 0,
  },
  figure: {
    display: 'flex',
    flexDirection: 'column-reverse',
    gap: tokens.spacingVerticalXS,
    padding: tokens.spacingHorizontalL,
    borderRadius: tokens.borderRadiusLarge,
    backgroundColor: tokens.colorNeutralBackground1,
    boxShadow: tokens.shadow4,
    '& dt': { color: tokens.colorNeutralForeground2 },
    '& dd': {
      margin: 0,
      fontSize: tokens.fontSizeHero700,
      lineHeight: tokens.lineHeightHero700,
      fontWeight: tokens.fontWeightSemibold,
    },
  },
  charts: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 420px), 1fr))',
    gap: tokens.spacingHorizontalL,
  },
  chartCard: {
    minWidth: 0,
    '& h2': { margin: 0 },
  },
  chartArea: {
    width: '100%',
    height: '260px',
  },
});

// Fluent's palette, as literal colours because SVG fill attributes do not resolve CSS variables.
const statusFills: Readonly<Record<ProfileAssignmentStatus, string>> = {
  assignedInSync: '#107c10',
  assignedOutOfSync: '#bc4b09',
  pending: '#0f6cbd',
  notAssigned: '#c50f1f',
  failed: '#a4262c',
};
const registrationFill = '#0f6cbd';

const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const longDayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full' });

/** `registrationsPerDay` days are calendar dates (YYYY-MM-DD); read them as such, not as UTC instants. */
function dayOf(day: string): Date {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(year ?? 1970, (month ?? 1) - 1, date ?? 1);
}

/** The customer's overview: how many devices, who registers them, and whether they get a profile. */
export function DashboardPage() {
  const pageStyles = usePageStyles();
  const styles = useStyles();
  const dashboard = useApi<Dashboard>('/dashboard');

  if (dashboard.error) {
    return (
      <div className={pageStyles.stack}>
        <PageHeader title="Dashboard" />
        <ProblemAlert error={dashboard.error} onRetry={dashboard.reload} />
      </div>
    );
  }
  if (!dashboard.data) {
    return (
      <div className={pageStyles.stack}>
        <PageHeader title="Dashboard" />
        <Loading label="Loading the dashboard" />
      </div>
    );
  }

  const { devices, partners, byStatus, byProfile, registrationsPerDay } = dashboard.data;
  const withoutProfile = byStatus.find((entry) => entry.status === 'notAssigned')?.devices ?? 0;
  const statusData = byStatus.map((entry) => ({
    status: entry.status,
    label: profileStatusLabels[entry.status],
    devices: entry.devices,
  }));
  const registrationData = registrationsPerDay.map((entry) => ({
    day: entry.day,
    label: dayFormat.format(dayOf(entry.day)),
    devices: entry.devices,
  }));
  const registeredInPeriod = registrationsPerDay.reduce((sum, entry) => sum + entry.devices, 0);

  return (
    <div className={pageStyles.stack}>
      <PageHeader title="Dashboard" />
      <dl className={styles.figures}>
        <Figure label="Devices" value={devices} />
        <Figure label="Partners and OEMs" value={partners} />
        <Figure label="Devices without a profile" value={withoutProfile} />
        <Figure label="Registered in the last 30 days" value={registeredInPeriod} />
      </dl>

      {devices === 0 ? (
        <EmptyState title="No devices yet">
          <Text>
            Devices appear here once a partner or OEM registers them for you.{' '}
            {partners === 0
              ? 'No partner or OEM can do so yet: accept an invitation link they send you.'
              : 'Your partners and OEMs can register devices now.'}
          </Text>
          <AppLink to="/relationships">See Relationships</AppLink>
        </EmptyState>
      ) : (
        <div className={styles.charts}>
          <ChartCard
            title="Devices by profile status"
            summary={
              withoutProfile > 0
                ? `${withoutProfile.toLocaleString()} of ${devices.toLocaleString()} devices have no profile: at first boot they set themselves up without your settings. Check their group tags on the Devices page.`
                : `All ${devices.toLocaleString()} devices have a profile or are getting one.`
            }
            alternative={
              <ChartTable
                caption="Devices by profile status"
                headers={['Profile status', 'Devices']}
                rows={statusData.map((entry) => [entry.label, entry.devices])}
              />
            }
          >
            <ResponsiveContainer width="100%" height="100%">
              <BarChart
                data={statusData}
                layout="vertical"
                accessibilityLayer={false}
                margin={{ top: 8, right: 16, bottom: 8, left: 8 }}
              >
                <CartesianGrid strokeDasharray="3 3" horizontal={false} />
                <XAxis type="number" allowDecimals={false} />
                <YAxis type="category" dataKey="label" width={140} />
                <Tooltip />
                {/* Bars drawn at once: a growing bar shows a wrong figure while it grows. */}
                <Bar
                  isAnimationActive={false}
                  dataKey="devices"
                  name="Devices"
                  shape={(props: BarShapeProps) => (
                    <Rectangle
                      {...props}
                      fill={statusFills[statusData[props.index]?.status ?? 'pending']}
                    />
                  )}
                />
              </BarChart>
            </ResponsiveContainer>
          </ChartCard>

          <ChartCard
            title="Registrations over the last 30 days"
            summary={`${registeredInPeriod.toLocaleString()} devices registered in the last 30 days.`}
            alternative={
              <ChartTable
                caption="Registrations over the last 30 days"
                headers={['Day', 'Devices registered']}
                rows={registrationData.map((entry) => [
                  longDayFormat.format(dayOf(entry.day)),
                  entry.devices,
                ])}
              />
            }
          >
            <ResponsiveContainer width="100%" height="100%">
              <BarChart
                data={registrationData}
                accessibilityLayer={false}
                margin={{ top: 8, right: 16, bottom: 8, left: 0 }}
              >
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="label" interval="preserveStartEnd" minTickGap={16} />
                <YAxis allowDecimals={false} width={48} />
                <Tooltip />
                <Bar
                  dataKey="devices"
                  name="Devices registered"
                  fill={registrationFill}
                  isAnimationActive={false}
                />
              </BarChart>
            </ResponsiveContainer>
          </ChartCard>
        </div>
      )}

      {devices > 0 && byProfile.length > 0 && (
        <Card className={styles.chartCard}>
          <Subtitle2 as="h2">Devices by profile</Subtitle2>
          <div className={pageStyles.tableScroll}>
            <Table aria-label="Devices by profile" size="small">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Profile</TableHeaderCell>
                  <TableHeaderCell>Devices</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {byProfile.map((entry) => (
                  <TableRow key={entry.profile ?? ''}>
                    <TableCell>{entry.profile ?? 'No profile'}</TableCell>
                    <TableCell>{entry.devices.toLocaleString()}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        </Card>
      )}
    </div>
  );
}

function Figure({ label, value }: { readonly label: string; readonly value: number }) {
  const styles = useStyles();
  // dd before dt in the DOM would break the list's meaning; column-reverse shows the number first.
  return (
    <div className={styles.figure}>
      <dt>{label}</dt>
      <dd>{value.toLocaleString()}</dd>
    </div>
  );
}

/**
 * A chart named for assistive technology (role img + label) with a one-line summary, and
 * the same figures as a table that only screen readers see.
 */
function ChartCard({
  title,
  summary,
  alternative,
  children,
}: {
  readonly title: string;
  readonly summary: string;
  readonly alternative: ReactNode;
  readonly children: ReactNode;
}) {
  const styles = useStyles();
  const summaryId = useId();
  return (
    <Card className={styles.chartCard}>
      <Subtitle2 as="h2">{title}</Subtitle2>
      <Text id={summaryId}>{summary}</Text>
      <div role="img" aria-label={title} aria-describedby={summaryId} className={styles.chartArea}>
        {children}
      </div>
      {alternative}
    </Card>
  );
}

function ChartTable({
  caption,
  headers,
  rows,
}: {
  readonly caption: string;
  readonly headers: readonly [string, string];
  readonly rows: readonly (readonly [string, number])[];
}) {
  const pageStyles = usePageStyles();
  return (
    <table className={pageStyles.visuallyHidden}>
      <caption>{caption} (table)</caption>
      <thead>
        <tr>
          <th scope="col">{headers[0]}</th>
          <th scope="col">{headers[1]}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, value]) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            <td>{value.toLocaleString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
