import { describe, expect, it, vi } from 'vitest';
import type { FileRead } from '@/client';
import { ApiError } from '@/lib/problem';
import { queueTotals, UploadQueue, uploadRatio, type UploadItem } from './queue';
import type { UploadTarget, Uploaded } from './transfer';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise((r) => setTimeout(r, 0));
const file = (name: string, size = 10) => new File([new Uint8Array(size)], name);

describe('the upload queue', () => {
  it('sends two at a time, tracks progress, and tells when one lands', async () => {
    const calls: Array<{ target: UploadTarget; done: ReturnType<typeof deferred<Uploaded>> }> = [];
    const queue = new UploadQueue((target) => {
      const done = deferred<Uploaded>();
      calls.push({ target, done });
      return done.promise;
    }, 2);
    const landed = vi.fn();
    queue.onUploaded = landed;
    const listener = vi.fn();
    queue.subscribe(listener);
    const [a, , c] = queue.add('docs', [
      { file: file('a.txt'), path: 'x/a.txt' },
      { file: file('b.txt'), path: 'x/b.txt' },
      { file: file('c.txt'), path: 'x/c.txt' },
    ]);
    await flush();
    expect(calls.map((call) => call.target.path)).toEqual(['x/a.txt', 'x/b.txt']);
    expect(queue.getSnapshot().map((i) => i.status)).toEqual(['uploading', 'uploading', 'queued']);
    calls[0]!.target.onProgress?.(4);
    expect(queue.getSnapshot()[0]!.sent).toBe(4);
    calls[0]!.done.resolve({ file: { id: 'f-a' } as FileRead, created: false });
    await flush();
    const first = queue.getSnapshot().find((i) => i.id === a)!;
    expect(first).toMatchObject({ status: 'done', created: false, fileId: 'f-a', sent: 10 });
    expect(landed).toHaveBeenCalledWith(expect.objectContaining({ id: a }));
    expect(calls.map((call) => call.target.path)).toEqual(['x/a.txt', 'x/b.txt', 'x/c.txt']);
    expect(listener).toHaveBeenCalled();
    queue.cancel(c!);
    expect(calls[2]!.target.signal?.aborted).toBe(true);
  });

  it('keeps a failure with its problem, retries it, and cancels a queued one', async () => {
    let attempt = 0;
    const queue = new UploadQueue(async () => {
      attempt += 1;
      if (attempt === 1) throw new ApiError({ status: 403, code: 'storage.bucket_quota_exceeded', detail: 'The bucket is full.' });
      return { file: { id: 'f1' } as FileRead, created: true };
    }, 1);
    const [id] = queue.add('docs', [{ file: file('a.txt'), path: 'a.txt' }]);
    await flush();
    expect(queue.getSnapshot()[0]).toMatchObject({ status: 'failed', error: { code: 'storage.bucket_quota_exceeded' } });
    queue.retry(id!);
    await flush();
    expect(queue.getSnapshot()[0]).toMatchObject({ status: 'done', created: true });
    queue.clearFinished();
    expect(queue.getSnapshot()).toEqual([]);
  });

  it('drops what a failed resumable upload left when it is cancelled', async () => {
    const discard = vi.fn(async () => undefined);
    const queue = new UploadQueue(async () => Promise.reject(new ApiError({ status: 0, code: 'network', detail: 'offline' })), 1, discard);
    const big = new File([new Uint8Array(1)], 'big.bin');
    Object.defineProperty(big, 'size', { value: 65 * 1024 * 1024 });
    const [id] = queue.add('docs', [{ file: big, path: 'big.bin' }]);
    await flush();
    expect(queue.getSnapshot()[0]).toMatchObject({ status: 'failed', resumable: true });
    queue.cancel(id!);
    expect(discard).toHaveBeenCalledTimes(1);
    expect(queue.getSnapshot()[0]!.status).toBe('cancelled');
  });
});

describe('queue figures', () => {
  const item = (patch: Partial<UploadItem>): UploadItem => ({ id: 'i', bucket: 'b', path: 'p', size: 100, sent: 0, status: 'uploading', resumable: false, error: null, created: null, fileId: null, ...patch });
  it('gives the share sent and the totals, leaving out the cancelled', () => {
    expect(uploadRatio(item({ sent: 25 }))).toBe(0.25);
    expect(uploadRatio(item({ status: 'done', sent: 0 }))).toBe(1);
    expect(uploadRatio(item({ size: 0 }))).toBe(0);
    expect(queueTotals([item({ sent: 50 }), item({ status: 'done', sent: 0 }), item({ status: 'cancelled', sent: 10 }), item({ status: 'failed', sent: 5 })])).toEqual({ sent: 155, size: 300, active: 1, failed: 1, done: 1 });
  });
});
