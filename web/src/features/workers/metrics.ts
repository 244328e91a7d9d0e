// Workers' figures shaped for the page: the status events, the per-minute series as chart
// data, and the ages and rates shown in the queue table.
import type { StatusRead, WorkerDetail } from '@/client';
import type { BadgeTone } from '@/components/ui/badge';

export type Health = StatusRead['workers'][number]['health'];

export const healthTone: Record<Health, BadgeTone> = { healthy: 'success', degraded: 'warning', lost: 'danger', offline: 'neutral' };

/** A `status` event's data, when it has the shape of one. */
export function parseStatusEvent(data: unknown): StatusRead | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const status = data as Partial<StatusRead>;
  return Array.isArray(status.workers) && Array.isArray(status.queues) ? (status as StatusRead) : undefined;
}

export interface SeriesChart {
  categories: string[];
  throughput: number[];
  errors: number[];
  /** null for a minute without tasks: no time to show, rather than a time of zero. */
  latency: Array<number | null>;
}

/**
 * The per-minute series as chart columns, one per minute of the span even when the worker
 * recorded nothing in it (an idle minute is a zero, not a gap the line jumps over).
 */
export function seriesChart(series: WorkerDetail['series'], label: (at: Date) => string, now: Date = new Date(), minutes = 60): SeriesChart {
  const minute = 60_000;
  const end = Math.floor(now.getTime() / minute) * minute;
  const start = end - (minutes - 1) * minute;
  const byMinute = new Map(series.map((point) => [Math.floor(new Date(point.bucket_at).getTime() / minute) * minute, point]));
  const out: SeriesChart = { categories: [], throughput: [], errors: [], latency: [] };
  for (let at = start; at <= end; at += minute) {
    const point = byMinute.get(at);
    out.categories.push(label(new Date(at)));
    out.throughput.push(point?.processed ?? 0);
    out.errors.push(point?.failed ?? 0);
    out.latency.push(point?.mean_latency_ms != null ? Math.round(point.mean_latency_ms) : null);
  }
  return out;
}

/** Seconds as the largest whole unit that fits ("42 s", "3 min", "2 h"), for Intl unit formats. */
export function ageParts(seconds: number): { value: number; unit: 'second' | 'minute' | 'hour' | 'day' } {
  if (seconds < 60) return { value: Math.max(0, Math.round(seconds)), unit: 'second' };
  if (seconds < 3600) return { value: Math.floor(seconds / 60), unit: 'minute' };
  if (seconds < 86_400) return { value: Math.floor(seconds / 3600), unit: 'hour' };
  return { value: Math.floor(seconds / 86_400), unit: 'day' };
}
