import { describe, expect, it } from 'vitest';
import { ageParts, parseStatusEvent, seriesChart } from './metrics';

describe('parseStatusEvent', () => {
  it('takes workers and queues and ignores anything else', () => {
    const status = { workers: [], queues: [] };
    expect(parseStatusEvent(status)).toBe(status);
    expect(parseStatusEvent({ workers: [] })).toBeUndefined();
    expect(parseStatusEvent('x')).toBeUndefined();
  });
});

describe('seriesChart', () => {
  it('has a column for every minute, zero where the worker recorded nothing', () => {
    const now = new Date('2026-11-25T10:04:30Z');
    const point = (at: string, processed: number, failed: number, latency: number | null) => ({ bucket_at: at, processed, failed, mean_latency_ms: latency, latency_ms_max: 0, in_flight_max: 0 });
    const chart = seriesChart([point('2026-11-25T10:01:00Z', 5, 1, 120.4), point('2026-11-25T10:04:00Z', 2, 0, null), point('2026-11-25T09:00:00Z', 9, 9, 1)], (d) => d.toISOString().slice(11, 16), now, 5);
    expect(chart.categories).toEqual(['10:00', '10:01', '10:02', '10:03', '10:04']);
    expect(chart.throughput).toEqual([0, 5, 0, 0, 2]);
    expect(chart.errors).toEqual([0, 1, 0, 0, 0]);
    expect(chart.latency).toEqual([null, 120, null, null, null]);
  });
});

describe('ageParts', () => {
  it('picks the largest whole unit', () => {
    expect(ageParts(12.6)).toEqual({ value: 13, unit: 'second' });
    expect(ageParts(185)).toEqual({ value: 3, unit: 'minute' });
    expect(ageParts(7300)).toEqual({ value: 2, unit: 'hour' });
    expect(ageParts(200_000)).toEqual({ value: 2, unit: 'day' });
  });
});
