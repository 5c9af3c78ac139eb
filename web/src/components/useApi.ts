import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import type { Query } from '../api/client';

export interface ApiResource<T> {
  /** The last answer for this path; kept while a reload or another page of it loads. */
  readonly data: T | null;
  readonly error: Error | null;
  readonly loading: boolean;
  reload(): void;
}

/**
 * GETs `path` (relative to /portal/api) and again whenever the path or query changes.
 * A null path waits (for example until an id is known). Answers that arrive after a newer
 * request was made are dropped, so fast typing in a filter never shows stale results.
 */
export function useApi<T>(path: string | null, query?: Query): ApiResource<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  const shownPath = useRef(path);
  const queryKey = JSON.stringify(query ?? {});

  useEffect(() => {
    // Another resource (another customer, say) must not show the previous one's answer;
    // another page or filter of the same list may, until the new answer arrives.
    if (path !== shownPath.current) {
      shownPath.current = path;
      setData(null);
      setError(null);
    }
    const request = ++latest.current;
    if (path === null) {
      setLoading(false);
      return;
    }
    setLoading(true);
    api
      .get<T>(path, JSON.parse(queryKey) as Query)
      .then((answer) => {
        if (request === latest.current) {
          setData(answer);
          setError(null);
        }
      })
      .catch((failure: unknown) => {
        if (request === latest.current) {
          setError(failure instanceof Error ? failure : new Error(String(failure)));
        }
      })
      .finally(() => {
        if (request === latest.current) {
          setLoading(false);
        }
      });
  }, [path, queryKey, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { data, error, loading, reload };
}
