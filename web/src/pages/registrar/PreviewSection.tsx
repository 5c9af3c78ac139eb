import {
  Badge,
  Body1,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Switch,
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
import type { BadgeProps } from '@fluentui/react-components';
import { useEffect, useMemo, useState } from 'react';
import type { Preview, PreviewRow, PreviewVerdict } from '../../../../src/services/portal/contract';
import { Loading, Pager, ProblemAlert } from '../../components';
import { useTableStyles } from '../../layout/tableStyles';
import type { PreviewState } from './usePreview';
import { verdictLabels } from './vocabulary';

const rowsPerPage = 50;
// A file with thousands of problems is fixed from the top; the full list would only slow the page.
const problemsShown = 200;

const verdictColors: Readonly<Record<PreviewVerdict, NonNullable<BadgeProps['color']>>> = {
  would_register: 'success',
  already_registered: 'informative',
  other_customer: 'danger',
  duplicate: 'warning',
  invalid: 'danger',
};

const verdictOrder: readonly PreviewVerdict[] = [
  'would_register',
  'already_registered',
  'other_customer',
  'duplicate',
  'invalid',
];

const useStyles = makeStyles({
  section: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    marginTop: tokens.spacingVerticalXL,
  },
  figures: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(130px, 1fr))',
    gap: tokens.spacingHorizontalS,
    margin: 0,
  },
  figure: {
    display: 'flex',
    flexDirection: 'column-reverse',
    padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground2,
    '& dd': {
      margin: 0,
      fontSize: tokens.fontSizeHero700,
      fontWeight: tokens.fontWeightSemibold,
      lineHeight: 1.2,
    },
    '& dt': { color: tokens.colorNeutralForeground2 },
  },
  subheading: { marginTop: tokens.spacingVerticalM },
  remedy: { display: 'block', color: tokens.colorNeutralForeground3 },
  line: { whiteSpace: 'nowrap' },
});

/** The dry run's answer: what the file holds, what is wrong where, what each row would do. */
export function PreviewSection({
  state,
  fileChosen,
}: {
  readonly state: PreviewState;
  readonly fileChosen: boolean;
}) {
  const styles = useStyles();
  return (
    <section aria-labelledby="preview-heading" aria-busy={state.loading} className={styles.section}>
      <Text as="h2" id="preview-heading" size={500} weight="semibold">
        Preview
      </Text>
      {!fileChosen ? (
        <Body1>Choose a file to see, before anything is stored, what each device would get.</Body1>
      ) : null}
      {state.loading ? <Loading label="Checking the file…" /> : null}
      {state.error && !state.loading ? (
        <ProblemAlert error={state.error} onRetry={state.retry} />
      ) : null}
      {state.preview && !state.loading ? <PreviewBody preview={state.preview} /> : null}
    </section>
  );
}

function PreviewBody({ preview }: { readonly preview: Preview }) {
  const styles = useStyles();
  const { file, counts, issues } = preview;
  return (
    <>
      <Body1>
        <strong>{file.fileName}</strong>: {file.devices.toLocaleString()} devices
        {file.layout ? `, ${layoutName(file.layout)} layout` : ''}, {encodingName(file.encoding)},
        separated by {delimiterName(file.delimiter)}.
      </Body1>
      {file.ok ? null : (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>This file cannot be registered as it is.</MessageBarTitle>
            Fix the problems listed below, then choose the file again.
          </MessageBarBody>
        </MessageBar>
      )}
      <dl className={styles.figures}>
        {verdictOrder.map((verdict) => (
          <div key={verdict} className={styles.figure}>
            <dt>{verdictLabels[verdict]}</dt>
            <dd>{counts[verdict].toLocaleString()}</dd>
          </div>
        ))}
        <div className={styles.figure}>
          <dt>With warnings</dt>
          <dd>{counts.warnings.toLocaleString()}</dd>
        </div>
      </dl>
      <Text as="h3" size={400} weight="semibold" className={styles.subheading}>
        Problems
      </Text>
      {issues.length === 0 ? (
        <Body1>No problems in the file.</Body1>
      ) : (
        <ProblemsTable preview={preview} />
      )}
      <Text as="h3" size={400} weight="semibold" className={styles.subheading}>
        Rows
      </Text>
      {preview.rows.length === 0 ? (
        <Body1>No rows could be read from this file.</Body1>
      ) : (
        <RowsTable rows={preview.rows} listed={preview.rows.length} devices={file.devices} />
      )}
    </>
  );
}

function ProblemsTable({ preview }: { readonly preview: Preview }) {
  const styles = useStyles();
  const table = useTableStyles();
  const shown = preview.issues.slice(0, problemsShown);
  return (
    <>
      <div className={table.scroll}>
        <Table aria-label="Problems" className={table.table} size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell style={{ width: 70 }}>Line</TableHeaderCell>
              <TableHeaderCell style={{ width: 180 }}>Column</TableHeaderCell>
              <TableHeaderCell>Message</TableHeaderCell>
              <TableHeaderCell>Hint</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {shown.map((issue, index) => (
              <TableRow key={`${issue.line}-${issue.code}-${index}`}>
                <TableCell className={styles.line}>{issue.line}</TableCell>
                <TableCell>{issue.column ?? 'Whole line'}</TableCell>
                <TableCell>
                  <Badge
                    appearance="tint"
                    color={issue.severity === 'error' ? 'danger' : 'warning'}
                    style={{ marginRight: 6 }}
                  >
                    {issue.severity === 'error' ? 'Error' : 'Warning'}
                  </Badge>
                  {issue.message}
                </TableCell>
                <TableCell>{issue.hint}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      {preview.issues.length > shown.length ? (
        <Body1>
          The first {shown.length.toLocaleString()} of {preview.issues.length.toLocaleString()}{' '}
          problems are listed. Fix these and choose the file again to see the rest.
        </Body1>
      ) : null}
    </>
  );
}

function RowsTable({
  rows,
  listed,
  devices,
}: {
  readonly rows: readonly PreviewRow[];
  readonly listed: number;
  readonly devices: number;
}) {
  const styles = useStyles();
  const table = useTableStyles();
  const [onlyProblems, setOnlyProblems] = useState(false);
  const [offset, setOffset] = useState(0);
  const visible = useMemo(
    () =>
      onlyProblems
        ? rows.filter(
            (row) => row.verdict !== 'would_register' || row.warnings.length > 0 || !row.profile,
          )
        : rows,
    [rows, onlyProblems],
  );
  useEffect(() => setOffset(0), [visible]);
  const page = visible.slice(offset, offset + rowsPerPage);

  return (
    <>
      <Switch
        label="Only rows that need attention"
        checked={onlyProblems}
        onChange={(_, data) => setOnlyProblems(data.checked)}
      />
      {listed < devices ? (
        <Body1>
          The first {listed.toLocaleString()} of {devices.toLocaleString()} rows are listed; the
          counts above cover them all.
        </Body1>
      ) : null}
      <div className={table.scroll}>
        <Table aria-label="Rows" className={table.table} size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell style={{ width: 70 }}>Line</TableHeaderCell>
              <TableHeaderCell>Serial number</TableHeaderCell>
              <TableHeaderCell>Group tag</TableHeaderCell>
              <TableHeaderCell style={{ width: 160 }}>Verdict</TableHeaderCell>
              <TableHeaderCell>Profile</TableHeaderCell>
              <TableHeaderCell>Message</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {page.map((row, index) => (
              <TableRow key={`${row.line ?? 'x'}-${offset + index}`}>
                <TableCell className={styles.line}>{row.line ?? '—'}</TableCell>
                <TableCell className={table.mono}>{row.serialNumber ?? '—'}</TableCell>
                <TableCell>{row.groupTag ?? '—'}</TableCell>
                <TableCell>
                  <Badge appearance="tint" color={verdictColors[row.verdict]}>
                    {verdictLabels[row.verdict]}
                  </Badge>
                </TableCell>
                <TableCell>
                  {row.profile ? (
                    row.profile.displayName
                  ) : row.verdict === 'would_register' ? (
                    <Badge appearance="outline" color="warning">
                      No profile
                    </Badge>
                  ) : (
                    '—'
                  )}
                </TableCell>
                <TableCell>
                  {row.message ? (
                    <span>
                      {row.message}
                      {row.referenceCode
                        ? ` (${row.referenceCode}${row.referenceName ? ` ${row.referenceName}` : ''})`
                        : ''}
                    </span>
                  ) : null}
                  {row.remedy ? <span className={styles.remedy}>{row.remedy}</span> : null}
                  {row.warnings.map((warning) => (
                    <span key={warning.code} className={styles.remedy}>
                      Warning: {warning.message} {warning.hint}
                    </span>
                  ))}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      {visible.length === 0 ? <Body1>Every row will register with a profile.</Body1> : null}
      <Pager offset={offset} limit={rowsPerPage} total={visible.length} onChange={setOffset} />
    </>
  );
}

function delimiterName(delimiter: string): string {
  switch (delimiter) {
    case ',':
      return 'commas';
    case ';':
      return 'semicolons';
    case '\t':
      return 'tabs';
    case '|':
      return 'vertical bars';
    default:
      return `“${delimiter}”`;
  }
}

const layoutNames: Readonly<Record<string, string>> = {
  intune: 'Intune',
  'partner-center': 'Partner Center',
  'managed-desktop': 'Microsoft Managed Desktop',
};

function layoutName(layout: string): string {
  return layoutNames[layout] ?? layout;
}

const encodingNames: Readonly<Record<string, string>> = {
  'utf-8': 'UTF-8',
  'utf-8-bom': 'UTF-8 with BOM',
  'utf-16le': 'UTF-16 LE',
  'utf-16be': 'UTF-16 BE',
  'windows-1252': 'Windows-1252',
};

function encodingName(encoding: string): string {
  return encodingNames[encoding.toLowerCase()] ?? encoding;
}
