import { Button, Field, Input, makeStyles, tokens } from '@fluentui/react-components';
import { CopyRegular } from '@fluentui/react-icons';
import { useEffect, useRef, useState } from 'react';

const useStyles = makeStyles({
  row: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalS,
    alignItems: 'flex-end',
  },
  field: {
    flexGrow: 1,
    minWidth: '0',
  },
});

/**
 * A secret shown once (an invitation link, a one-time password): read-only, selected on
 * focus, with a copy button. Without clipboard access (plain HTTP, or permission refused)
 * the text is selected so the user can copy it with the keyboard.
 */
export function CopyField({
  label,
  value,
  copyLabel,
  autoFocus = false,
}: {
  readonly label: string;
  readonly value: string;
  readonly copyLabel: string;
  /** Focus (and so select) the text on mount: it replaces the form that was just submitted. */
  readonly autoFocus?: boolean;
}) {
  const styles = useStyles();
  const inputRef = useRef<HTMLInputElement>(null);
  const [outcome, setOutcome] = useState<'copied' | 'selected' | null>(null);

  useEffect(() => {
    if (autoFocus) {
      inputRef.current?.focus();
    }
  }, [autoFocus]);

  async function copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(value);
      setOutcome('copied');
    } catch {
      inputRef.current?.focus();
      inputRef.current?.select();
      setOutcome('selected');
    }
  }

  return (
    <div>
      <div className={styles.row}>
        <Field label={label} className={styles.field}>
          <Input
            ref={inputRef}
            value={value}
            readOnly
            onFocus={(event) => event.currentTarget.select()}
          />
        </Field>
        <Button icon={<CopyRegular />} onClick={() => void copy()}>
          {copyLabel}
        </Button>
      </div>
      <div role="status">
        {outcome === 'copied' && 'Copied to the clipboard.'}
        {outcome === 'selected' &&
          'The browser did not allow copying; the text is selected: press Ctrl+C (⌘C on a Mac).'}
      </div>
    </div>
  );
}
