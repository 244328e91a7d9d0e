import { useMutation } from '@tanstack/react-query';
import { listAuditEventsApiAuditEventsGet, verifyAuditChainApiAuditEventsVerifyGet } from '@/client';
import { unwrap } from '@/lib/api';

export interface AuditFilters {
  action: string;
  outcome: '' | 'success' | 'failure';
  /** yyyy-mm-dd from a date input, in the user's time zone. */
  since: string;
  until: string;
}

export const EMPTY_AUDIT_FILTERS: AuditFilters = { action: '', outcome: '', since: '', until: '' };

/** A day from a date input as the UTC instant of its local start (or of the next day). */
export function dayBoundary(day: string, endOfDay = false): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + (endOfDay ? 1 : 0)).toISOString();
}

export function fetchAuditEvents({ cursor, filters, limit = 50 }: { cursor: string | null; filters: AuditFilters; limit?: number }) {
  return unwrap(
    listAuditEventsApiAuditEventsGet({
      query: {
        cursor,
        limit,
        action: filters.action.trim() || null,
        outcome: filters.outcome || null,
        since: dayBoundary(filters.since),
        until: dayBoundary(filters.until, true),
      },
    }),
  );
}

export function useVerifyChain() {
  return useMutation({ mutationFn: () => unwrap(verifyAuditChainApiAuditEventsVerifyGet()) });
}
