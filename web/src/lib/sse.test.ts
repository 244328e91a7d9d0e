// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import { createClient, createConfig } from '@/client/client';
import { configureClient } from './api';
import { ApiError } from './problem';
import { IDLE_RUN, postStream, runReducer, type RunState, type SseEvent } from './sse';

const fallback = (key: 'network' | 'unknown') => `fallback:${key}`;

/** A streamed response whose body arrives in the given pieces (split anywhere). */
function streamed(pieces: string[], status = 200): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(encoder.encode(piece));
      controller.close();
    },
  });
  return new Response(body, { status, headers: { 'Content-Type': 'text/event-stream' } });
}

function setup(respond: (request: Request) => Response | Promise<Response>) {
  const requests: Request[] = [];
  const client = createClient(createConfig());
  configureClient({ language: () => 'es', bearer: () => null, fallback, cookies: () => 'athanor_csrf=csrf-1', baseUrl: 'http://athanor.test' }, client);
  client.setConfig({
    fetch: (async (request: Request) => {
      requests.push(request);
      return respond(request);
    }) as typeof fetch,
  });
  return { client, requests };
}

const DONE = {
  execution_id: 'e1',
  status: 'succeeded',
  output: { text: 'Hello world.' },
  usage: { prompt_tokens: 12, completion_tokens: 3 },
  charged_tokens: 15,
  cost_nanos: 420,
  balance: 99_985,
  error_code: null,
};

describe('postStream', () => {
  it('posts JSON through the configured client and hands over every event, whatever the chunking', async () => {
    const wire = `event: delta\ndata: {"text":"Hello"}\n\nevent: delta\ndata: {"text":" world."}\n\nevent: done\ndata: ${JSON.stringify(DONE)}\n\n`;
    // Split in awkward places: inside a field name, inside the JSON, between the blank lines.
    const pieces = [wire.slice(0, 3), wire.slice(3, 25), wire.slice(25, 40), wire.slice(40, 41), wire.slice(41)];
    const { client, requests } = setup(() => streamed(pieces));
    const events: SseEvent[] = [];
    await postStream({ client, fallback, url: '/api/engines/{engine_id}/playground', path: { engine_id: 'abc' }, body: { inputs: { text: 'x' }, stream: true }, onEvent: (e) => events.push(e) });

    expect(events.map((e) => e.event)).toEqual(['delta', 'delta', 'done']);
    expect(events[2]!.data).toEqual(DONE);
    const request = requests[0]!;
    expect(request.url).toBe('http://athanor.test/api/engines/abc/playground');
    expect(request.method).toBe('POST');
    expect(request.headers.get('X-CSRF-Token')).toBe('csrf-1');
    expect(request.headers.get('Accept-Language')).toBe('es');
    expect(request.headers.get('Accept')).toBe('text/event-stream');
    expect(await request.json()).toEqual({ inputs: { text: 'x' }, stream: true });
  });

  it('rejects with the translated problem when the server refuses before streaming, without retrying', async () => {
    const problem = { code: 'level.max_output_tokens_exceeded', detail: 'Tu nivel permite como máximo 16 tokens de salida por llamada.', status: 403 };
    const respond = vi.fn(() => new Response(JSON.stringify(problem), { status: 403, headers: { 'Content-Type': 'application/problem+json' } }));
    const { client } = setup(respond);
    const error = await postStream({ client, fallback, url: '/api/x', body: {}, onEvent: () => undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 403, code: problem.code, detail: problem.detail });
    expect(respond).toHaveBeenCalledTimes(1);
  });

  it('rejects with the network message when the server cannot be reached', async () => {
    const { client } = setup(() => {
      throw new TypeError('fetch failed');
    });
    await expect(postStream({ client, fallback, url: '/api/x', body: {}, onEvent: () => undefined })).rejects.toMatchObject({ code: 'network', detail: 'fallback:network' });
  });
});

describe('runReducer', () => {
  const fold = (events: SseEvent[]) => events.reduce<RunState>((state, event) => runReducer(state, { type: 'event', event }, fallback), runReducer(IDLE_RUN, { type: 'start' }, fallback));

  it('grows the text chunk by chunk, then keeps the totals', () => {
    const partial = fold([
      { event: 'delta', data: { text: 'Hello' } },
      { event: 'delta', data: { text: ' world.' } },
    ]);
    expect(partial).toMatchObject({ phase: 'streaming', text: 'Hello world.', chunks: 2, done: null });
    const done = runReducer(partial, { type: 'event', event: { event: 'done', data: DONE } }, fallback);
    expect(done).toMatchObject({ phase: 'done', text: 'Hello world.', done: { charged_tokens: 15, balance: 99_985 } });
  });

  it('takes the text from the output when nothing was streamed', () => {
    expect(fold([{ event: 'done', data: DONE }]).text).toBe('Hello world.');
  });

  it('turns an error event into the problem it carries', () => {
    const state = fold([
      { event: 'delta', data: { text: 'Hel' } },
      { event: 'error', data: { error: { code: 'provider.unavailable', detail: 'El proveedor no está disponible.', status: 503 } } },
    ]);
    expect(state.phase).toBe('error');
    expect(state.text).toBe('Hel');
    expect(state.error).toMatchObject({ code: 'provider.unavailable', detail: 'El proveedor no está disponible.', status: 503 });
  });

  it('falls back to a generic message for an error event without a problem, and ignores unknown events', () => {
    expect(fold([{ event: 'ping', data: 'x' }])).toMatchObject({ phase: 'streaming', text: '' });
    expect(fold([{ event: 'error', data: 'boom' }]).error).toMatchObject({ detail: 'fallback:unknown' });
  });

  it('marks a stream that ended without its final event as stopped', () => {
    const state = fold([{ event: 'delta', data: { text: 'a' } }]);
    expect(runReducer(state, { type: 'end' }, fallback)).toMatchObject({ phase: 'stopped', text: 'a' });
    const done = fold([{ event: 'done', data: DONE }]);
    expect(runReducer(done, { type: 'end' }, fallback)).toBe(done);
  });

  it('starts afresh and resets', () => {
    const state = fold([{ event: 'delta', data: { text: 'a' } }]);
    expect(runReducer(state, { type: 'start' }, fallback)).toMatchObject({ phase: 'streaming', text: '', chunks: 0 });
    expect(runReducer(state, { type: 'reset' }, fallback)).toBe(IDLE_RUN);
  });
});
