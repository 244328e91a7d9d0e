// Uploads with real progress. `fetch` reports no upload progress, so file bodies go through
// XMLHttpRequest: the one other exception (with lib/sse.ts) to "no fetch outside the generated
// client". The URLs come from the generated client (`buildUrl`), the headers from the same
// settings its interceptor uses (language, impersonation token, CSRF), and errors become the
// same ApiError. Files larger than RESUMABLE_THRESHOLD go through the resumable API: parts
// sent a few at a time, each retried when the network or the server fails, progress summed
// across parts, and the upload resumed (only missing parts sent) when tried again.
import type { FileRead, UploadRead } from '@/client';
import {
  abortUploadApiStorageUploadsUploadIdDelete,
  completeUploadApiStorageUploadsUploadIdCompletePost,
  readUploadApiStorageUploadsUploadIdGet,
  startUploadApiStorageUploadsPost,
} from '@/client';
import { client as defaultClient } from '@/client/client.gen';
import { clientFallback, requestHeaders, unwrap } from '@/lib/api';
import { ApiError, isProblem, problemError } from '@/lib/problem';

/** Files above this size (64 MiB) are sent in parts through the resumable API. */
export const RESUMABLE_THRESHOLD = 64 * 1024 * 1024;

export interface SendRequest {
  url: string;
  body: Blob;
  contentType: string;
  signal?: AbortSignal;
  /** Bytes of the body sent so far. */
  onProgress?: (loaded: number) => void;
}

export interface SendResult {
  status: number;
  body: unknown;
}

/** PUTs a body; resolves with the JSON answer of a 2xx, rejects with an ApiError otherwise
 * (status 0 when the network failed) or an AbortError. */
export type Send = (request: SendRequest) => Promise<SendResult>;

function abortError(): DOMException {
  return new DOMException('The upload was cancelled.', 'AbortError');
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** The ApiError of an answer that is not a success. */
export function answerError(status: number, body: unknown, fallback = clientFallback): ApiError {
  if (status === 0) return new ApiError({ status: 0, code: 'network', detail: fallback('network') });
  if (isProblem(body)) return problemError(body, status, fallback);
  return new ApiError({ status, code: `http.${status}`, detail: fallback('unknown') });
}

/** The real transport: XMLHttpRequest with upload progress, cookies and the client's headers. */
export const xhrSend: Send = ({ url, body, contentType, signal, onProgress }) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.withCredentials = true;
    for (const [name, value] of Object.entries(requestHeaders('PUT'))) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader('Content-Type', contentType || 'application/octet-stream');
    xhr.upload.onprogress = (event) => onProgress?.(event.loaded);
    const onAbort = () => xhr.abort();
    signal?.addEventListener('abort', onAbort);
    const done = () => signal?.removeEventListener('abort', onAbort);
    xhr.onload = () => {
      done();
      let parsed: unknown = undefined;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        parsed = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress?.(body.size);
        resolve({ status: xhr.status, body: parsed });
      } else reject(answerError(xhr.status, parsed));
    };
    xhr.onerror = () => {
      done();
      reject(answerError(0, undefined));
    };
    xhr.onabort = () => {
      done();
      reject(abortError());
    };
    xhr.send(body);
  });

/** The URL a whole file is PUT to. */
export function fileUploadUrl(bucket: string, path: string, client = defaultClient): string {
  return client.buildUrl({ url: '/api/storage/buckets/{bucket}/files', path: { bucket }, query: { path } });
}

/** The URL one part of a resumable upload is PUT to. */
export function partUploadUrl(uploadId: string, number: number, client = defaultClient): string {
  return client.buildUrl({ url: '/api/storage/uploads/{upload_id}/parts/{number}', path: { upload_id: uploadId, number } });
}

// Parts -----------------------------------------------------------------------------------

export interface PartRange {
  number: number;
  start: number;
  end: number;
}

/** The byte ranges of `count` parts of `partSize` (the last one smaller), numbered from 1. */
export function partRanges(size: number, partSize: number, count = Math.max(1, Math.ceil(size / partSize))): PartRange[] {
  const out: PartRange[] = [];
  for (let number = 1; number <= count; number += 1) {
    const start = (number - 1) * partSize;
    out.push({ number, start: Math.min(start, size), end: Math.min(size, start + partSize) });
  }
  return out;
}

/** Bytes sent across parts sent in parallel: each part counts up to its own size, and a part
 * sent again after a failure starts from zero instead of adding to what it had. */
export class PartsProgress {
  private readonly loaded = new Map<number, number>();
  constructor(
    readonly total: number,
    private readonly sizes: ReadonlyMap<number, number>,
  ) {}

  set(number: number, bytes: number): void {
    const size = this.sizes.get(number) ?? 0;
    this.loaded.set(number, Math.max(0, Math.min(size, bytes)));
  }

  get sent(): number {
    let sum = 0;
    for (const bytes of this.loaded.values()) sum += bytes;
    return sum;
  }
}

/** Whether a failed request is worth sending again: the network, a timeout, a busy or
 * failing server. A refusal (quota, a closed upload, a bad part) is not. */
export function isRetryable(error: unknown): boolean {
  if (isAbort(error)) return false;
  if (!(error instanceof ApiError)) return true;
  return error.status === 0 || error.status === 408 || error.status === 429 || error.status >= 500;
}

export const retryDelay = (attempt: number) => Math.min(8_000, 500 * 2 ** (attempt - 1));

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs `task`, again after a pause while it fails with a retryable error (`retries` more times). */
export async function withRetry<T>(task: (attempt: number) => Promise<T>, options: { retries?: number; delay?: (attempt: number) => number; signal?: AbortSignal; wait?: typeof sleep } = {}): Promise<T> {
  const { retries = 3, delay = retryDelay, signal, wait = sleep } = options;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await task(attempt);
    } catch (error) {
      if (attempt > retries || !isRetryable(error) || signal?.aborted) throw error;
      await wait(delay(attempt), signal);
    }
  }
}

/** Runs `tasks` with at most `limit` at once; the first failure stops the rest from starting. */
export async function runPool(tasks: Array<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < tasks.length) {
      const task = tasks[next++]!;
      try {
        await task();
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const lanes = Array.from({ length: Math.min(limit, tasks.length) }, lane);
  const results = await Promise.allSettled(lanes);
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
}

// Uploads ---------------------------------------------------------------------------------

export interface UploadTarget {
  bucket: string;
  path: string;
  file: File;
  signal?: AbortSignal;
  /** Bytes of the file sent so far (of file.size). */
  onProgress?: (sent: number) => void;
}

export interface Uploaded {
  file: FileRead;
  /** False when the upload made a new version of a file already there. */
  created: boolean;
}

/** One PUT of the whole file (201: a new file, 200: a new version). */
export async function uploadWhole({ bucket, path, file, signal, onProgress }: UploadTarget, send: Send = xhrSend): Promise<Uploaded> {
  const result = await send({ url: fileUploadUrl(bucket, path), body: file, contentType: file.type, signal, onProgress });
  return { file: result.body as FileRead, created: result.status === 201 };
}

/** The resumable API, injectable for tests. */
export interface ResumableApi {
  start: (body: { bucket: string; path: string; size: number; content_type: string | null }) => Promise<UploadRead>;
  read: (id: string) => Promise<UploadRead>;
  complete: (id: string) => Promise<FileRead>;
  abort: (id: string) => Promise<void>;
  sendPart: (id: string, number: number, body: Blob, signal: AbortSignal | undefined, onProgress: (loaded: number) => void) => Promise<void>;
}

export const resumableApi: ResumableApi = {
  start: (body) => unwrap(startUploadApiStorageUploadsPost({ body })),
  read: (id) => unwrap(readUploadApiStorageUploadsUploadIdGet({ path: { upload_id: id } })),
  complete: (id) => unwrap(completeUploadApiStorageUploadsUploadIdCompletePost({ path: { upload_id: id } })),
  abort: async (id) => {
    await unwrap(abortUploadApiStorageUploadsUploadIdDelete({ path: { upload_id: id } }));
  },
  sendPart: async (id, number, body, signal, onProgress) => {
    await xhrSend({ url: partUploadUrl(id, number), body, contentType: 'application/octet-stream', signal, onProgress });
  },
};

/** Where an unfinished upload's id is kept, so trying again sends only the missing parts. */
export interface UploadMemory {
  get: (key: string) => string | null;
  set: (key: string, id: string) => void;
  remove: (key: string) => void;
}

const MEMORY_PREFIX = 'athanor.upload:';

export const localUploadMemory: UploadMemory = {
  get: (key) => {
    try {
      return localStorage.getItem(MEMORY_PREFIX + key);
    } catch {
      return null;
    }
  },
  set: (key, id) => {
    try {
      localStorage.setItem(MEMORY_PREFIX + key, id);
    } catch {
      // Private mode or full storage: the upload still works, it just cannot resume.
    }
  },
  remove: (key) => {
    try {
      localStorage.removeItem(MEMORY_PREFIX + key);
    } catch {
      // Nothing to forget.
    }
  },
};

/** The same file to the same place: the key an unfinished upload is remembered by. */
export function uploadKey(bucket: string, path: string, file: Pick<File, 'size' | 'lastModified'>): string {
  return `${bucket}/${path}:${file.size}:${file.lastModified}`;
}

export interface ResumableOptions {
  api?: ResumableApi;
  memory?: UploadMemory;
  concurrency?: number;
  retries?: number;
  delay?: (attempt: number) => number;
  /** Told the upload's id as soon as it is known (to cancel it). */
  onStarted?: (id: string) => void;
}

async function openUpload(api: ResumableApi, memory: UploadMemory, key: string, target: UploadTarget): Promise<UploadRead> {
  const known = memory.get(key);
  if (known) {
    try {
      const upload = await api.read(known);
      if (upload.status === 'open' && upload.size === target.file.size && upload.bucket === target.bucket && upload.path === target.path) return upload;
    } catch {
      // Expired or gone: start again.
    }
    memory.remove(key);
  }
  const upload = await api.start({ bucket: target.bucket, path: target.path, size: target.file.size, content_type: target.file.type || null });
  memory.set(key, upload.id);
  return upload;
}

/** Sends a file in parts: starts (or resumes) the upload, sends each missing part with
 * retries, completes it. On failure the upload stays open, to be resumed; on cancel it is
 * aborted on the server. */
export async function uploadResumable(target: UploadTarget, options: ResumableOptions = {}): Promise<Uploaded> {
  const { api = resumableApi, memory = localUploadMemory, concurrency = 3, retries = 3, delay = retryDelay, onStarted } = options;
  const { file, signal, onProgress } = target;
  const key = uploadKey(target.bucket, target.path, file);
  const upload = await openUpload(api, memory, key, target);
  onStarted?.(upload.id);
  const ranges = partRanges(file.size, upload.part_size, upload.part_count);
  const progress = new PartsProgress(file.size, new Map(ranges.map((r) => [r.number, r.end - r.start])));
  const received = new Set(upload.received.map((p) => p.number));
  for (const r of ranges) if (received.has(r.number)) progress.set(r.number, r.end - r.start);
  onProgress?.(progress.sent);
  try {
    const tasks = ranges
      .filter((r) => !received.has(r.number))
      .map((r) => async () => {
        const body = file.slice(r.start, r.end);
        await withRetry(
          () => {
            progress.set(r.number, 0);
            return api.sendPart(upload.id, r.number, body, signal, (loaded) => {
              progress.set(r.number, loaded);
              onProgress?.(progress.sent);
            });
          },
          { retries, delay, signal },
        );
        progress.set(r.number, r.end - r.start);
        onProgress?.(progress.sent);
      });
    await runPool(tasks, concurrency);
    if (signal?.aborted) throw abortError();
    const stored = await withRetry(() => api.complete(upload.id), { retries, delay, signal });
    memory.remove(key);
    return { file: stored, created: stored.version_count === 1 };
  } catch (error) {
    if (isAbort(error) || signal?.aborted) {
      memory.remove(key);
      await api.abort(upload.id).catch(() => undefined);
      throw isAbort(error) ? error : abortError();
    }
    throw error;
  }
}

/** Uploads a file the way its size calls for. */
export function uploadFile(target: UploadTarget, options: ResumableOptions & { send?: Send } = {}): Promise<Uploaded> {
  return target.file.size > RESUMABLE_THRESHOLD ? uploadResumable(target, options) : uploadWhole(target, options.send);
}

/** Drops an unfinished resumable upload of `file` (after a failure the user gave up on). */
export async function discardUpload(bucket: string, path: string, file: File, options: { api?: ResumableApi; memory?: UploadMemory } = {}): Promise<void> {
  const { api = resumableApi, memory = localUploadMemory } = options;
  const key = uploadKey(bucket, path, file);
  const id = memory.get(key);
  memory.remove(key);
  if (id) await api.abort(id).catch(() => undefined);
}
