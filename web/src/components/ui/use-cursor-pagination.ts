import { keepPreviousData, useQuery, type QueryKey } from '@tanstack/react-query';
import { useCallback, useState } from 'react';

/**
 * Cursor pagination state: the cursors of the pages visited so far, so "previous" goes
 * back without the server supporting backwards cursors. Changing `resetOn` (e.g. the
 * filters) starts again from the first page.
 */
export function useCursorPagination(resetOn: unknown = null) {
  const key = JSON.stringify(resetOn ?? null);
  const [state, setState] = useState<{ key: string; stack: Array<string | null> }>({ key, stack: [null] });
  const stack = state.key === key ? state.stack : [null];
  const cursor = stack[stack.length - 1] ?? null;
  const next = useCallback(
    (nextCursor: string | null | undefined) => {
      if (!nextCursor) return;
      setState({ key, stack: [...stack, nextCursor] });
    },
    [key, stack],
  );
  const previous = useCallback(() => {
    if (stack.length > 1) setState({ key, stack: stack.slice(0, -1) });
  }, [key, stack]);
  const reset = useCallback(() => setState({ key, stack: [null] }), [key]);
  return { cursor, page: stack.length, hasPrevious: stack.length > 1, next, previous, reset };
}

export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

/** A list endpoint read page by page, with the props the DataTable needs. */
export function usePagedQuery<T, F>(options: {
  queryKey: QueryKey;
  filters: F;
  fetchPage: (args: { cursor: string | null; filters: F }) => Promise<Page<T>>;
  enabled?: boolean;
}) {
  const { queryKey, filters, fetchPage, enabled = true } = options;
  const pager = useCursorPagination(filters);
  const query = useQuery({
    queryKey: [...queryKey, filters, pager.cursor],
    queryFn: () => fetchPage({ cursor: pager.cursor, filters }),
    placeholderData: keepPreviousData,
    enabled,
  });
  const nextCursor = query.data?.next_cursor ?? null;
  return {
    query,
    rows: query.data?.items,
    pagination: {
      page: pager.page,
      hasPrevious: pager.hasPrevious,
      hasNext: Boolean(nextCursor),
      onPrevious: pager.previous,
      onNext: () => pager.next(nextCursor),
      isFetching: query.isFetching,
    },
  };
}
