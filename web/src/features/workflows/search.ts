import type { RunStatus } from '@/client';

export interface RunsSearch {
  workflow?: string;
  status?: RunStatus;
}

const STATUSES = new Set<string>(['running', 'paused', 'succeeded', 'failed', 'cancelled']);

/** The runs page's filters from its address: `/workflow-runs?workflow=<id>&status=failed`. */
export function validateRunsSearch(search: Record<string, unknown>): RunsSearch {
  const out: RunsSearch = {};
  if (typeof search.workflow === 'string' && search.workflow) out.workflow = search.workflow;
  if (typeof search.status === 'string' && STATUSES.has(search.status)) out.status = search.status as RunStatus;
  return out;
}
