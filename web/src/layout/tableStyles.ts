import { makeStyles, tokens } from '@fluentui/react-components';

/** Tables scroll sideways inside their own box on narrow screens instead of the page. */
export const useTableStyles = makeStyles({
  scroll: { overflowX: 'auto', width: '100%' },
  // Columns sized by their content: Fluent's fixed layout splits the width evenly, and long
  // group tags or reference names would run into the next column.
  table: {
    minWidth: '640px',
    tableLayout: 'auto',
    '& td': { overflowWrap: 'anywhere' },
    // On a phone the table scrolls sideways at its natural width rather than squeezing
    // serial numbers and tags into broken lines; long messages still wrap.
    '@media (max-width: 760px)': {
      width: 'max-content',
      minWidth: '100%',
      '& td': { maxWidth: '280px' },
    },
  },
  number: { textAlign: 'right', justifyContent: 'flex-end', fontVariantNumeric: 'tabular-nums' },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  secondary: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  toolbar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    gap: tokens.spacingHorizontalM,
    marginBottom: tokens.spacingVerticalM,
  },
});
