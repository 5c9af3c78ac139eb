import {
  Body1,
  Caption1,
  Label,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import { DocumentArrowUp20Regular } from '@fluentui/react-icons/svg/document-arrow-up';
import { useId, useState } from 'react';
import type { DragEvent } from 'react';

const useStyles = makeStyles({
  zone: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalXL,
    border: `${tokens.strokeWidthThick} dashed ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusLarge,
    backgroundColor: tokens.colorNeutralBackground2,
    maxWidth: '560px',
    boxSizing: 'border-box',
  },
  dragging: {
    border: `${tokens.strokeWidthThick} dashed ${tokens.colorBrandStroke1}`,
    backgroundColor: tokens.colorBrandBackground2,
  },
  input: {
    maxWidth: '100%',
    '::file-selector-button': {
      marginRight: tokens.spacingHorizontalM,
      padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`,
      border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
      borderRadius: tokens.borderRadiusMedium,
      backgroundColor: tokens.colorNeutralBackground1,
      fontFamily: 'inherit',
      cursor: 'pointer',
    },
  },
  chosen: { color: tokens.colorNeutralForeground2 },
});

export interface DeviceFileDropProps {
  readonly file: File | null;
  onFile(file: File): void;
}

/** A file input that also takes a file dropped anywhere on its zone. */
export function DeviceFileDrop({ file, onFile }: DeviceFileDropProps) {
  const styles = useStyles();
  const inputId = useId();
  const [dragging, setDragging] = useState(false);

  function drop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    const dropped = event.dataTransfer.files[0];
    if (dropped) {
      onFile(dropped);
    }
  }

  return (
    <div
      className={mergeClasses(styles.zone, dragging && styles.dragging)}
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={drop}
    >
      <Label htmlFor={inputId} weight="semibold">
        <DocumentArrowUp20Regular style={{ verticalAlign: 'text-bottom', marginRight: 4 }} />
        Device file
      </Label>
      <Body1>Drop a CSV file here, or choose one.</Body1>
      <input
        id={inputId}
        className={styles.input}
        type="file"
        accept=".csv,.txt,text/csv,text/plain"
        // Choosing the same file again (after fixing it) must still trigger a change.
        onClick={(event) => {
          event.currentTarget.value = '';
        }}
        onChange={(event) => {
          const chosen = event.target.files?.[0];
          if (chosen) {
            onFile(chosen);
          }
        }}
      />
      {file ? (
        <Body1 className={styles.chosen}>
          Chosen: <strong>{file.name}</strong> ({formatSize(file.size)})
        </Body1>
      ) : null}
      <Caption1>
        Partner Center or Intune layout (as Get-WindowsAutoPilotInfo writes it); UTF-8, UTF-16 or
        Windows-1252; up to 64 MiB.
      </Caption1>
    </div>
  );
}

function formatSize(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} bytes`;
  }
  if (bytes < 1024 * 1024) {
    return `${(bytes / 1024).toFixed(1)} KiB`;
  }
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
