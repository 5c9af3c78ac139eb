import { makeStyles, tokens } from '@fluentui/react-components';

/** Layout shared by the customer and operator pages. */
export const usePageStyles = makeStyles({
  stack: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalL,
    minWidth: 0,
    // The page header's own bottom margin would double the gap below the heading.
    '& > :first-child': { marginBottom: 0 },
  },
  // On a phone a table keeps its columns readable and scrolls sideways instead.
  tableScroll: {
    overflowX: 'auto',
    maxWidth: '100%',
  },
  // Columns sized by their content (Fluent's default is equal widths), so serial numbers
  // and tags stay on one line and the table scrolls instead.
  wideTable: {
    minWidth: '720px',
    tableLayout: 'auto',
  },
  narrowTable: {
    minWidth: '480px',
    tableLayout: 'auto',
  },
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalM,
    alignItems: 'flex-end',
  },
  filterField: {
    flexGrow: 1,
    flexBasis: '180px',
    maxWidth: '320px',
  },
  form: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
  },
  fieldset: {
    border: 'none',
    margin: 0,
    padding: 0,
    minWidth: 0,
    '& > legend': {
      padding: 0,
      marginBottom: tokens.spacingVerticalXS,
      fontWeight: tokens.fontWeightSemibold,
    },
  },
  warningText: {
    color: tokens.colorPaletteDarkOrangeForeground1,
  },
  errorText: {
    color: tokens.colorPaletteRedForeground1,
  },
  tagList: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXXS,
    margin: 0,
    padding: 0,
    listStyleType: 'none',
  },
  muted: {
    color: tokens.colorNeutralForeground3,
  },
  nowrap: {
    whiteSpace: 'nowrap',
  },
  cellStack: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXXS,
    paddingBlock: tokens.spacingVerticalXS,
  },
  badges: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalXS,
  },
  code: {
    fontFamily: tokens.fontFamilyMonospace,
  },
  // For long values without spaces (a full tag rule) that would otherwise widen the page.
  wrapAnywhere: {
    overflowWrap: 'anywhere',
  },
  // Present for screen readers, invisible on screen (the charts' table alternatives).
  visuallyHidden: {
    position: 'absolute',
    width: '1px',
    height: '1px',
    margin: '-1px',
    padding: 0,
    overflow: 'hidden',
    clip: 'rect(0, 0, 0, 0)',
    whiteSpace: 'nowrap',
    border: 0,
  },
});
