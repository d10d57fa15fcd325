import { useCallback, useEffect, useRef, useState } from 'react';
import { API_DOWN_RETRY_MS } from './availability';
import { ApiError, isApiDown } from './client';

export interface Resource<T> {
  /** The last value loaded for this key; kept through later failures. */
  data: T | undefined;
  /** The last call's failure, cleared by the next success. */
  error: ApiError | undefined;
  /** Loads again now. */
  reload: () => void;
}

/** Milliseconds until the next load, or a rule that decides from what was loaded (undefined: no more). */
export type Poll<T> = number | ((data: T) => number | undefined);

interface State<T> {
  key: string;
  data?: T;
  error?: ApiError;
}

/**
 * Loads `load()` for `key` (null: nothing to load yet), again as `poll` says, and every few
 * seconds while the API is down, so a page recovers by itself. `load` must depend on nothing
 * but `key`: a new key starts afresh, a new `load` alone does not.
 */
export function useResource<T>(key: string | null, load: () => Promise<T>, poll?: Poll<T>): Resource<T> {
  const [state, setState] = useState<State<T>>({ key: key ?? '' });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  // The latest rule, read when a load finishes: a rule that changes does not restart the loading.
  const pollRef = useRef(poll);
  useEffect(() => {
    pollRef.current = poll;
  });

  useEffect(() => {
    if (key === null) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const again = (ms: number | undefined) => {
      if (!stopped && ms !== undefined) timer = setTimeout(fetchOnce, ms);
    };
    function fetchOnce() {
      load().then(
        (data) => {
          if (stopped) return;
          setState({ key: key as string, data });
          const rule = pollRef.current;
          again(typeof rule === 'function' ? rule(data) : rule);
        },
        (err: unknown) => {
          if (stopped) return;
          const error = err instanceof ApiError ? err : new ApiError(0, String(err));
          setState((previous) => ({ key: key as string, data: previous.key === key ? previous.data : undefined, error }));
          const rule = pollRef.current;
          again(isApiDown(error) ? API_DOWN_RETRY_MS : typeof rule === 'number' ? rule : undefined);
        },
      );
    }
    fetchOnce();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // Not `load`: it is keyed by `key` (see above), and listing it would refetch on every render.
  }, [key, generation]);

  const current = state.key === key ? state : undefined;
  return { data: current?.data, error: current?.error, reload };
}
