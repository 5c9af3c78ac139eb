import { Spinner } from '@fluentui/react-components';

/** A labelled spinner; the label is what screen readers announce. */
export function Loading({ label }: { readonly label: string }) {
  return (
    <Spinner
      size="small"
      labelPosition="after"
      label={label}
      style={{ justifyContent: 'flex-start', padding: '16px 0' }}
    />
  );
}
