import { queryOptions } from '@tanstack/react-query';
import { listExecutionsApiExecutionsGet, readExecutionApiExecutionsExecutionIdGet, type ExecutionStatus, type ListExecutionsApiExecutionsGetData } from '@/client';

/** Where an execution came from, named through the list's filter (the schema's own name is not
 * stable: another domain has an ExecutionSource too). */
export type ExecutionSource = NonNullable<NonNullable<ListExecutionsApiExecutionsGetData['query']>['source']>;
import { unwrap } from '@/lib/api';

export const PERIODS = ['all', 'today', '7d', '30d'] as const;
export type Period = (typeof PERIODS)[number];

export interface ExecutionFilters {
  engineId: string;
  status: '' | ExecutionStatus;
  source: '' | ExecutionSource;
  period: Period;
}

export const EMPTY_EXECUTION_FILTERS: ExecutionFilters = { engineId: '', status: '', source: '', period: 'all' };
export const STATUSES: ExecutionStatus[] = ['running', 'succeeded', 'failed'];
export const SOURCES: ExecutionSource[] = ['api', 'gateway', 'playground'];

/** The start of a period, counted back from `now` (today: local midnight). */
export function periodStart(period: Period, now: Date = new Date()): string | null {
  switch (period) {
    case 'today':
      return new Date(now.getFullYear(), now.getMonth(), now.getDate()).toISOString();
    case '7d':
      return new Date(now.getTime() - 7 * 24 * 3600 * 1000).toISOString();
    case '30d':
      return new Date(now.getTime() - 30 * 24 * 3600 * 1000).toISOString();
    default:
      return null;
  }
}

export function fetchExecutions({ cursor, filters, limit = 25, since }: { cursor: string | null; filters: ExecutionFilters; limit?: number; since?: string | null }) {
  return unwrap(
    listExecutionsApiExecutionsGet({
      query: {
        cursor,
        limit,
        engine_id: filters.engineId || null,
        status: filters.status || null,
        source: filters.source || null,
        since: since !== undefined ? since : periodStart(filters.period),
      },
    }),
  );
}

export const executionQuery = (id: string) =>
  queryOptions({
    queryKey: ['executions', 'detail', id],
    queryFn: () => unwrap(readExecutionApiExecutionsExecutionIdGet({ path: { execution_id: id } })),
  });
