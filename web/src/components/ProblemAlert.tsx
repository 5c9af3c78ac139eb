import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
} from '@fluentui/react-components';
import { ApiError } from '../api/client';

export interface ProblemAlertProps {
  readonly error: unknown;
  /** Offers "Try again" when given. */
  readonly onRetry?: () => void;
}

/** The server's message and what to do about it, announced to screen readers. */
export function ProblemAlert({ error, onRetry }: ProblemAlertProps) {
  if (!error) {
    return null;
  }
  const message = error instanceof Error ? error.message : String(error);
  const remedy = error instanceof ApiError ? error.remedy : undefined;
  return (
    <div role="alert">
      <MessageBar intent="error" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>{message}</MessageBarTitle>
          {remedy ? <div>{remedy}</div> : null}
        </MessageBarBody>
        {onRetry ? (
          <MessageBarActions>
            <Button onClick={onRetry}>Try again</Button>
          </MessageBarActions>
        ) : null}
      </MessageBar>
    </div>
  );
}
