import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

/** What `useLoad` gives a page. */
export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  /** Loads again, keeping the current data on screen meanwhile (live updates, after an action). */
  readonly reload: () => void;
}

/** Runs `load` when `deps` change and on `reload()`; an older answer never overwrites a newer one. */
export function useLoad<T>(load: () => PromiseLike<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const generation = useRef(0);
  const run = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    Promise.resolve(load()).then(
      (data) => mine === generation.current && setState({ data, loading: false }),
      (error: unknown) => mine === generation.current && setState((s) => ({ data: s.data, error, loading: false })),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useEffect(() => {
    setState({ loading: true });
    run();
  }, [run]);
  return { data: state.data, error: state.error, loading: state.loading, reload: run };
}
