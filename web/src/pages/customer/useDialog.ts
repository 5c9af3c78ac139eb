import { useCallback, useState } from 'react';

export interface DialogState<T> {
  /** What the dialog is about; kept after closing so the content stays while it fades out. */
  readonly subject: T | null;
  readonly open: boolean;
  /** Changes on every `show`: use it as the dialog's key so each opening starts afresh. */
  readonly key: number;
  show(subject: T): void;
  hide(): void;
}

/**
 * Open/closed state for a Fluent dialog that stays mounted while it closes. Fluent hides
 * the rest of the page from assistive technology (`aria-hidden`) while a dialog is open
 * and undoes that only when the dialog closes itself: unmounting an open dialog would
 * leave the whole page hidden from screen readers.
 */
export function useDialog<T>(): DialogState<T> {
  const [state, setState] = useState<{ subject: T | null; open: boolean; key: number }>({
    subject: null,
    open: false,
    key: 0,
  });
  const show = useCallback(
    (subject: T) => setState((current) => ({ subject, open: true, key: current.key + 1 })),
    [],
  );
  const hide = useCallback(() => setState((current) => ({ ...current, open: false })), []);
  return { ...state, show, hide };
}
