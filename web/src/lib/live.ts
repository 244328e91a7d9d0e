// Live views over server-sent events: a stream the server ends now and then (the workers'
// status closes every few minutes; a run's closes when the run ends) is opened again until
// the view is finished or the page leaves, backing off while the server cannot be reached.
import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { getStream, type SseEvent } from './sse';

/** `connecting` until the first event, `live` while events arrive, `retrying` after a
 * failure, `ended` once the view is finished (or the stream was stopped). */
export type LivePhase = 'connecting' | 'live' | 'retrying' | 'ended';

export interface FollowOptions {
  /** Opens the stream once; resolves when the server ends it, rejects on failure. */
  open: (onEvent: (event: SseEvent) => void, signal: AbortSignal) => Promise<void>;
  /** Handles one event; returns true when the view is finished (no reconnection). */
  onEvent: (event: SseEvent) => boolean;
  onPhase?: (phase: LivePhase) => void;
  signal: AbortSignal;
  /** Milliseconds before reconnecting after the `attempt`-th failure in a row (from 1). */
  delay?: (attempt: number) => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export const reconnectDelay = (attempt: number) => Math.min(30_000, 1_000 * 2 ** Math.max(0, attempt - 1));

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

/** Follows a stream until `onEvent` says it is finished or `signal` aborts. */
export async function followStream({ open, onEvent, onPhase, signal, delay = reconnectDelay, sleep = abortableSleep }: FollowOptions): Promise<void> {
  let failures = 0;
  let finished = false;
  onPhase?.('connecting');
  while (!signal.aborted && !finished) {
    try {
      await open((event) => {
        if (finished) return;
        failures = 0;
        onPhase?.('live');
        if (onEvent(event)) finished = true;
      }, signal);
      // The server ended the stream: open it again (after a short pause) unless finished.
      if (!finished && !signal.aborted) await sleep(delay(1), signal);
    } catch {
      if (signal.aborted) break;
      failures += 1;
      onPhase?.('retrying');
      await sleep(delay(failures), signal);
    }
  }
  onPhase?.('ended');
}

export interface LiveQueryOptions<T> {
  /** The query the stream keeps up to date (its cache entry gets each event's data). */
  queryKey: QueryKey;
  url: string;
  path?: Record<string, string>;
  query?: Record<string, string | number | boolean>;
  /** The event name that carries the data. */
  event: string;
  /** Whether a value is final (a finished run): the stream is not reopened after it. */
  isFinal?: (value: T) => boolean;
  /** Shapes the event's data (or rejects it: undefined) before it enters the cache. */
  parse: (data: unknown) => T | undefined;
  enabled?: boolean;
}

/** Keeps a TanStack Query cache entry live from a stream of server-sent events. */
export function useLiveQuery<T>({ queryKey, url, path, query, event, isFinal, parse, enabled = true }: LiveQueryOptions<T>): LivePhase {
  const queryClient = useQueryClient();
  const [phase, setPhase] = useState<LivePhase>('connecting');
  const latest = useRef({ queryKey, isFinal, parse });
  latest.current = { queryKey, isFinal, parse };
  const key = JSON.stringify([url, path, query, event]);
  useEffect(() => {
    if (!enabled) {
      setPhase('ended');
      return;
    }
    const controller = new AbortController();
    void followStream({
      signal: controller.signal,
      onPhase: (p) => {
        if (!controller.signal.aborted) setPhase(p);
      },
      open: (onEvent, signal) => getStream({ url, path, query, signal, onEvent }),
      onEvent: (e) => {
        if (e.event !== event) return false;
        const value = latest.current.parse(e.data);
        if (value === undefined) return false;
        queryClient.setQueryData(latest.current.queryKey, value);
        return Boolean(latest.current.isFinal?.(value));
      },
    });
    return () => controller.abort();
    // The stream depends on what it reads (key), not on the identity of the option objects.
  }, [key, enabled, queryClient]);
  return phase;
}
