// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { createClient, createConfig } from '@/client/client';
import { configureClient } from './api';
import { followStream, reconnectDelay, type LivePhase } from './live';
import { ApiError } from './problem';
import { getStream, type SseEvent } from './sse';

const noSleep = () => Promise.resolve();

describe('followStream', () => {
  it('reopens a stream the server ended until an event says the view is finished', async () => {
    const controller = new AbortController();
    const batches: SseEvent[][] = [[{ event: 'run', data: { status: 'running' } }], [{ event: 'run', data: { status: 'running' } }, { event: 'run', data: { status: 'succeeded' } }, { event: 'run', data: { status: 'late' } }]];
    let opened = 0;
    const seen: unknown[] = [];
    const phases: LivePhase[] = [];
    await followStream({
      signal: controller.signal,
      sleep: noSleep,
      onPhase: (p) => phases.push(p),
      open: async (onEvent) => {
        for (const e of batches[opened++] ?? []) onEvent(e);
      },
      onEvent: (e) => {
        seen.push((e.data as { status: string }).status);
        return (e.data as { status: string }).status === 'succeeded';
      },
    });
    expect(opened).toBe(2);
    // Nothing after the final event is handled.
    expect(seen).toEqual(['running', 'running', 'succeeded']);
    expect(phases[0]).toBe('connecting');
    expect(phases.at(-1)).toBe('ended');
    expect(phases).toContain('live');
  });

  it('backs off after failures and stops when aborted', async () => {
    const controller = new AbortController();
    const delays: number[] = [];
    const phases: LivePhase[] = [];
    let opened = 0;
    await followStream({
      signal: controller.signal,
      onPhase: (p) => phases.push(p),
      delay: (attempt) => attempt * 10,
      sleep: async (ms) => {
        delays.push(ms);
        if (delays.length === 3) controller.abort();
      },
      open: async () => {
        opened += 1;
        throw new ApiError({ status: 0, code: 'network', detail: 'down' });
      },
      onEvent: () => false,
    });
    expect(delays).toEqual([10, 20, 30]);
    expect(opened).toBe(3);
    expect(phases).toContain('retrying');
    expect(phases.at(-1)).toBe('ended');
  });

  it('caps the reconnection delay', () => {
    expect(reconnectDelay(1)).toBe(1000);
    expect(reconnectDelay(3)).toBe(4000);
    expect(reconnectDelay(20)).toBe(30_000);
  });
});

describe('getStream', () => {
  function setup(respond: (request: Request) => Response) {
    const requests: Request[] = [];
    const client = createClient(createConfig());
    configureClient({ language: () => 'ar', bearer: () => null, fallback: (k) => `fallback:${k}`, cookies: () => '', baseUrl: 'http://athanor.test' }, client);
    client.setConfig({
      fetch: (async (request: Request) => {
        requests.push(request);
        return respond(request);
      }) as typeof fetch,
    });
    return { client, requests };
  }

  it('reads named events of a GET stream with the query and language', async () => {
    const body = 'retry: 2000\n\nevent: status\ndata: {"workers":[],"queues":[]}\n\nevent: status\ndata: {"workers":[1],"queues":[]}\n\n';
    const { client, requests } = setup(() => new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } }));
    const events: SseEvent[] = [];
    await getStream({ client, url: '/api/admin/workers/stream', query: { seconds: 60 }, onEvent: (e) => events.push(e) });
    expect(requests[0]!.method).toBe('GET');
    expect(requests[0]!.url).toBe('http://athanor.test/api/admin/workers/stream?seconds=60');
    expect(requests[0]!.headers.get('Accept-Language')).toBe('ar');
    expect(events.filter((e) => e.event === 'status').map((e) => e.data)).toEqual([
      { workers: [], queues: [] },
      { workers: [1], queues: [] },
    ]);
  });

  it('turns a problem answer into an ApiError', async () => {
    const problem = { type: 'about:blank', title: 'Forbidden', status: 403, code: 'auth.forbidden', detail: 'No.' };
    const { client } = setup(() => new Response(JSON.stringify(problem), { status: 403, headers: { 'Content-Type': 'application/problem+json' } }));
    await expect(getStream({ client, url: '/api/workflow-runs/{run_id}/events', path: { run_id: 'r1' }, onEvent: () => undefined })).rejects.toMatchObject({ status: 403, detail: 'No.' });
  });
});
