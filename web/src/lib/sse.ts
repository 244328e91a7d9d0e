// Server-sent events over POST (an engine run with `stream: true`), read through the generated
// client's own SSE support (`client.sse.post`): same base URL, cookies, CSRF header,
// Accept-Language and impersonation token as every other call, through its interceptors.
//
// The one exception to "no fetch outside the generated client" lives here: the client's SSE
// reader does not read error bodies and retries failed requests, so `fetch` is wrapped to turn
// a problem+json answer (a level restriction, an empty wallet, a validation error, sent
// before the stream starts) into an ApiError, and retries are off (a run costs tokens).
import type { Client } from '@/client/client';
import { client as defaultClient } from '@/client/client.gen';
import { clientFallback } from './api';
import { ApiError, isProblem, problemError, toApiError } from './problem';

/** One event of the stream, as the client parsed it (data is JSON when it parses). */
export interface SseEvent {
  event?: string;
  data: unknown;
}

/** The totals of an engine run, from its final `done` event. */
export interface RunDone {
  execution_id: string;
  status: string;
  output: unknown;
  usage: { prompt_tokens: number; completion_tokens: number };
  charged_tokens: number;
  cost_nanos: number;
  balance: number | null;
  error_code: string | null;
}

export type RunPhase = 'idle' | 'streaming' | 'done' | 'error' | 'stopped';

export interface RunState {
  phase: RunPhase;
  /** The text received so far. */
  text: string;
  /** How many `delta` events arrived (the output grows once per chunk). */
  chunks: number;
  done: RunDone | null;
  error: ApiError | null;
}

export const IDLE_RUN: RunState = { phase: 'idle', text: '', chunks: 0, done: null, error: null };

export type RunAction = { type: 'start' } | { type: 'event'; event: SseEvent } | { type: 'fail'; error: ApiError } | { type: 'end' } | { type: 'reset' };

type Fallback = (key: 'network' | 'unknown') => string;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The stream's events folded into what the page shows: text, totals or the problem. */
export function runReducer(state: RunState, action: RunAction, fallback: Fallback = clientFallback): RunState {
  switch (action.type) {
    case 'reset':
      return IDLE_RUN;
    case 'start':
      return { ...IDLE_RUN, phase: 'streaming' };
    case 'fail':
      return { ...state, phase: 'error', error: action.error };
    case 'end':
      // The stream ended (or was stopped) without its final event.
      return state.phase === 'streaming' ? { ...state, phase: 'stopped' } : state;
    case 'event': {
      const { event, data } = action.event;
      if (event === 'delta' && isRecord(data) && typeof data.text === 'string') {
        return { ...state, text: state.text + data.text, chunks: state.chunks + 1 };
      }
      if (event === 'done' && isRecord(data)) {
        const done = data as unknown as RunDone;
        // The output may be richer than the streamed text (JSON output): keep the text shown.
        const text = state.text || (typeof done.output === 'object' && isRecord(done.output) && typeof done.output.text === 'string' ? done.output.text : state.text);
        return { ...state, phase: 'done', text, done };
      }
      if (event === 'error') {
        const problem = isRecord(data) ? data.error : undefined;
        const error = isProblem(problem) ? problemError(problem, problem.status ?? 500, fallback) : new ApiError({ status: 500, code: 'stream.error', detail: fallback('unknown') });
        return { ...state, phase: 'error', error };
      }
      return state;
    }
  }
}

/** A fetch that turns an answer that is not a stream (an error status) into an ApiError. */
export function problemFetch(fallback: Fallback, inner: typeof fetch = (input, init) => globalThis.fetch(input, init)): typeof fetch {
  return async (input, init) => {
    let response: Response;
    try {
      response = await inner(input, init);
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError({ status: 0, code: 'network', detail: fallback('network') });
    }
    if (!response.ok) {
      const body: unknown = await response.json().catch(() => undefined);
      throw toApiError(body, response, fallback);
    }
    return response;
  };
}

export interface PostStreamOptions {
  /** The path with placeholders, as in the OpenAPI document: `/api/engines/{engine_id}/playground`. */
  url: string;
  path?: Record<string, string>;
  body: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  onEvent: (event: SseEvent) => void;
  client?: Client;
  fallback?: Fallback;
}

/**
 * POSTs `body` and calls `onEvent` for each server-sent event until the stream ends.
 * Rejects with an ApiError when the server answers with an error instead of a stream, or the
 * connection fails; resolves when the stream ends or `signal` aborts it.
 */
export async function postStream({ url, path, body, headers, signal, onEvent, client = defaultClient, fallback = clientFallback }: PostStreamOptions): Promise<void> {
  let failure: unknown = null;
  const inner = client.getConfig().fetch;
  const { stream } = await client.sse.post({
    url,
    path,
    body,
    signal,
    headers: { Accept: 'text/event-stream', ...headers },
    fetch: problemFetch(fallback, inner),
    sseMaxRetryAttempts: 1,
    onSseEvent: (event) => onEvent({ event: event.event, data: event.data }),
    onSseError: (error) => {
      failure = error;
    },
  });
  // Drive the stream; the events arrive through onSseEvent (with their names).
  for await (const _ of stream) {
    void _;
  }
  if (failure && !signal?.aborted) {
    throw failure instanceof ApiError ? failure : new ApiError({ status: 0, code: 'network', detail: fallback('network') });
  }
}

export interface GetStreamOptions {
  /** The path with placeholders, as in the OpenAPI document: `/api/workflow-runs/{run_id}/events`. */
  url: string;
  path?: Record<string, string>;
  query?: Record<string, string | number | boolean>;
  signal?: AbortSignal;
  onEvent: (event: SseEvent) => void;
  client?: Client;
  fallback?: Fallback;
}

/**
 * GETs a live view (a workflow run, the workers' status) and calls `onEvent` for each
 * server-sent event until the server ends the stream. Same transport as `postStream`; the
 * caller decides whether to reconnect (`followStream` in `live.ts`).
 */
export async function getStream({ url, path, query, signal, onEvent, client = defaultClient, fallback = clientFallback }: GetStreamOptions): Promise<void> {
  let failure: unknown = null;
  const inner = client.getConfig().fetch;
  const { stream } = await client.sse.get({
    url,
    path,
    query,
    signal,
    headers: { Accept: 'text/event-stream' },
    fetch: problemFetch(fallback, inner),
    sseMaxRetryAttempts: 1,
    onSseEvent: (event) => onEvent({ event: event.event, data: event.data }),
    onSseError: (error) => {
      failure = error;
    },
  });
  for await (const _ of stream) {
    void _;
  }
  if (failure && !signal?.aborted) {
    throw failure instanceof ApiError ? failure : new ApiError({ status: 0, code: 'network', detail: fallback('network') });
  }
}
