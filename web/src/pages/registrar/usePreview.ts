import { useEffect, useRef, useState } from 'react';
import type { Preview } from '../../../../src/services/portal/contract';
import { api } from '../../api/client';
import type { Query } from '../../api/client';

export interface PreviewState {
  readonly preview: Preview | null;
  readonly error: Error | null;
  readonly loading: boolean;
  retry(): void;
}

/**
 * The dry run of a file: sent as soon as a file is chosen and again whenever the upload's
 * settings change. Only the newest answer is shown, so a slow preview of an older group
 * name never replaces the current one.
 */
export function usePreview(customerId: string, file: File | null, query: Query): PreviewState {
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const latest = useRef(0);
  const queryKey = JSON.stringify(query);

  useEffect(() => {
    const request = ++latest.current;
    if (!file) {
      setPreview(null);
      setError(null);
      setLoading(false);
      return;
    }
    setLoading(true);
    setError(null);
    api
      .upload<Preview>(
        `/customers/${encodeURIComponent(customerId)}/preview`,
        file,
        JSON.parse(queryKey) as Query,
      )
      .then((answer) => {
        if (request === latest.current) {
          setPreview(answer);
        }
      })
      .catch((failure: unknown) => {
        if (request === latest.current) {
          setPreview(null);
          setError(failure instanceof Error ? failure : new Error(String(failure)));
        }
      })
      .finally(() => {
        if (request === latest.current) {
          setLoading(false);
        }
      });
  }, [customerId, file, queryKey, attempt]);

  return { preview, error, loading, retry: () => setAttempt((value) => value + 1) };
}
