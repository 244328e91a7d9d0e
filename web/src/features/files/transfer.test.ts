import { describe, expect, it, vi } from 'vitest';
import type { FileRead, UploadRead } from '@/client';
import { ApiError } from '@/lib/problem';
import { answerError, isRetryable, partRanges, PartsProgress, runPool, uploadKey, uploadResumable, withRetry, type ResumableApi, type UploadMemory } from './transfer';

const MiB = 1024 * 1024;

describe('part ranges', () => {
  it('cuts a file into parts of part_size, the last one smaller, numbered from 1', () => {
    expect(partRanges(20, 8)).toEqual([
      { number: 1, start: 0, end: 8 },
      { number: 2, start: 8, end: 16 },
      { number: 3, start: 16, end: 20 },
    ]);
    expect(partRanges(16, 8)).toHaveLength(2);
    expect(partRanges(0, 8)).toEqual([{ number: 1, start: 0, end: 0 }]);
    const big = partRanges(65 * MiB, 8 * MiB);
    expect(big).toHaveLength(9);
    expect(big.at(-1)).toEqual({ number: 9, start: 64 * MiB, end: 65 * MiB });
    expect(big.reduce((sum, r) => sum + (r.end - r.start), 0)).toBe(65 * MiB);
  });

  it('follows the part count the server gives', () => {
    expect(partRanges(20, 8, 3).map((r) => r.number)).toEqual([1, 2, 3]);
  });
});

describe('progress across parts', () => {
  it('sums the parts in flight, each capped at its size, and restarts a part sent again', () => {
    const progress = new PartsProgress(20, new Map([[1, 8], [2, 8], [3, 4]]));
    progress.set(1, 5);
    progress.set(3, 4);
    expect(progress.sent).toBe(9);
    progress.set(1, 50);
    expect(progress.sent).toBe(12);
    progress.set(1, 0); // retried from the start
    expect(progress.sent).toBe(4);
  });
});

describe('retries', () => {
  it('retries the network, timeouts, rate limits and server errors, not refusals', () => {
    expect(isRetryable(new ApiError({ status: 0, code: 'network', detail: '' }))).toBe(true);
    expect(isRetryable(new ApiError({ status: 503, code: 'x', detail: '' }))).toBe(true);
    expect(isRetryable(new ApiError({ status: 429, code: 'x', detail: '' }))).toBe(true);
    expect(isRetryable(new ApiError({ status: 403, code: 'storage.level_quota_exceeded', detail: '' }))).toBe(false);
    expect(isRetryable(new ApiError({ status: 409, code: 'storage.upload_closed', detail: '' }))).toBe(false);
    expect(isRetryable(new DOMException('stop', 'AbortError'))).toBe(false);
  });

  it('tries again after a pause until it works or runs out of tries', async () => {
    const wait = vi.fn(async () => undefined);
    let calls = 0;
    const flaky = () => {
      calls += 1;
      return calls < 3 ? Promise.reject(new ApiError({ status: 0, code: 'network', detail: '' })) : Promise.resolve('ok');
    };
    await expect(withRetry(flaky, { retries: 3, wait })).resolves.toBe('ok');
    expect(wait).toHaveBeenCalledTimes(2);
    const always = () => Promise.reject(new ApiError({ status: 500, code: 'x', detail: '' }));
    await expect(withRetry(always, { retries: 2, wait })).rejects.toMatchObject({ status: 500 });
    const refused = vi.fn(() => Promise.reject(new ApiError({ status: 413, code: 'storage.too_large', detail: 'too large' })));
    await expect(withRetry(refused, { retries: 3, wait })).rejects.toMatchObject({ code: 'storage.too_large' });
    expect(refused).toHaveBeenCalledTimes(1);
  });

  it('turns a problem answer into an ApiError with its code and detail', () => {
    const error = answerError(403, { type: 'about:blank', title: 'Forbidden', status: 403, code: 'storage.bucket_quota_exceeded', detail: 'The bucket is full.' }, () => 'fallback');
    expect(error).toMatchObject({ status: 403, code: 'storage.bucket_quota_exceeded', detail: 'The bucket is full.' });
    expect(answerError(0, undefined, (k) => `fallback:${k}`)).toMatchObject({ status: 0, code: 'network', detail: 'fallback:network' });
    expect(answerError(502, 'Bad gateway', (k) => `fallback:${k}`)).toMatchObject({ status: 502, code: 'http.502', detail: 'fallback:unknown' });
  });
});

describe('a pool of tasks', () => {
  it('runs at most `limit` at once and stops starting new ones after a failure', async () => {
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const task = (n: number, fail = false) => async () => {
      started.push(n);
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running -= 1;
      if (fail) throw new Error(`task ${n}`);
    };
    await runPool([1, 2, 3, 4, 5].map((n) => task(n)), 2);
    expect(peak).toBe(2);
    started.length = 0;
    await expect(runPool([task(1, true), task(2), task(3), task(4)], 1)).rejects.toThrow('task 1');
    expect(started).toEqual([1]);
  });
});

function memory(): UploadMemory & { store: Map<string, string> } {
  const store = new Map<string, string>();
  return { store, get: (k) => store.get(k) ?? null, set: (k, v) => void store.set(k, v), remove: (k) => void store.delete(k) };
}

function fakeApi(size: number, partSize: number, options: { received?: number[]; failures?: Record<number, number> } = {}) {
  const count = Math.ceil(size / partSize);
  const upload: UploadRead = {
    id: 'u1',
    bucket: 'docs',
    path: 'big.bin',
    size,
    part_size: partSize,
    part_count: count,
    status: 'open',
    expires_at: '2026-01-01T00:00:00Z',
    received: (options.received ?? []).map((n) => ({ number: n, size: partSize, sha256: 'x' })),
    file_id: null,
  };
  const failures = { ...(options.failures ?? {}) };
  const sent: Array<{ number: number; size: number }> = [];
  const api: ResumableApi = {
    start: vi.fn(async () => upload),
    read: vi.fn(async () => upload),
    complete: vi.fn(async () => ({ id: 'f1', version_count: 1 }) as FileRead),
    abort: vi.fn(async () => undefined),
    sendPart: vi.fn(async (_id, number, body, _signal, onProgress) => {
      onProgress(Math.floor(body.size / 2));
      if ((failures[number] ?? 0) > 0) {
        failures[number]! -= 1;
        throw new ApiError({ status: 0, code: 'network', detail: 'offline' });
      }
      onProgress(body.size);
      sent.push({ number, size: body.size });
    }),
  };
  return { api, sent, upload };
}

const file = (size: number) => new File([new Uint8Array(size)], 'big.bin', { type: 'application/octet-stream', lastModified: 1 });

describe('resumable uploads', () => {
  it('sends every part, retries a failed one, reports progress up to the whole size, completes', async () => {
    const { api, sent } = fakeApi(20, 8, { failures: { 2: 1 } });
    const progress: number[] = [];
    const mem = memory();
    const result = await uploadResumable({ bucket: 'docs', path: 'big.bin', file: file(20), onProgress: (s) => progress.push(s) }, { api, memory: mem, delay: () => 0, concurrency: 2 });
    expect(result).toEqual({ file: { id: 'f1', version_count: 1 }, created: true });
    expect(sent.map((s) => s.number).sort()).toEqual([1, 2, 3]);
    expect(sent.find((s) => s.number === 3)?.size).toBe(4);
    expect(api.sendPart).toHaveBeenCalledTimes(4); // part 2 twice
    expect(Math.max(...progress)).toBe(20);
    expect(progress.every((p) => p >= 0 && p <= 20)).toBe(true);
    expect(api.complete).toHaveBeenCalledWith('u1');
    expect(mem.store.size).toBe(0);
  });

  it('keeps a failed upload open and remembered, then sends only the missing parts', async () => {
    const first = fakeApi(20, 8, { failures: { 3: 10 } });
    const mem = memory();
    const target = { bucket: 'docs', path: 'big.bin', file: file(20) };
    await expect(uploadResumable(target, { api: first.api, memory: mem, delay: () => 0, retries: 1, concurrency: 1 })).rejects.toMatchObject({ code: 'network' });
    expect(first.api.abort).not.toHaveBeenCalled();
    expect(mem.store.get(uploadKey('docs', 'big.bin', target.file))).toBe('u1');

    const again = fakeApi(20, 8, { received: [1, 2] });
    const progress: number[] = [];
    await uploadResumable({ ...target, onProgress: (s) => progress.push(s) }, { api: again.api, memory: mem, delay: () => 0 });
    expect(again.api.read).toHaveBeenCalledWith('u1');
    expect(again.api.start).not.toHaveBeenCalled();
    expect(again.sent.map((s) => s.number)).toEqual([3]);
    expect(progress[0]).toBe(16); // the parts already there count from the start
  });

  it('aborts the upload on the server when cancelled', async () => {
    const { api } = fakeApi(20, 8);
    const controller = new AbortController();
    api.sendPart = vi.fn(async (_id, _number, _body, signal) => {
      controller.abort();
      if (signal?.aborted) throw new DOMException('stop', 'AbortError');
    });
    const mem = memory();
    await expect(uploadResumable({ bucket: 'docs', path: 'big.bin', file: file(20), signal: controller.signal }, { api, memory: mem, delay: () => 0 })).rejects.toMatchObject({ name: 'AbortError' });
    expect(api.abort).toHaveBeenCalledWith('u1');
    expect(mem.store.size).toBe(0);
  });

  it('does not retry a refusal such as a full quota', async () => {
    const { api } = fakeApi(20, 8);
    api.sendPart = vi.fn(async () => {
      throw new ApiError({ status: 403, code: 'storage.level_quota_exceeded', detail: 'Your storage quota is used up.' });
    });
    await expect(uploadResumable({ bucket: 'docs', path: 'big.bin', file: file(20) }, { api, memory: memory(), delay: () => 0, concurrency: 1 })).rejects.toMatchObject({ code: 'storage.level_quota_exceeded' });
    expect(api.sendPart).toHaveBeenCalledTimes(1);
  });
});
