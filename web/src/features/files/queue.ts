// The uploads in progress: a queue that sends a couple of files at a time and keeps each one's
// progress, outcome and error. It lives outside React (one per page load), so uploads go on
// while the user opens a file and comes back; the page reads it with useSyncExternalStore.
import type { ApiError } from '@/lib/problem';
import { isApiError } from '@/lib/problem';
import { discardUpload, isAbort, RESUMABLE_THRESHOLD, uploadFile, type Uploaded, type UploadTarget } from './transfer';

export type UploadStatus = 'queued' | 'uploading' | 'done' | 'failed' | 'cancelled';

export interface UploadItem {
  id: string;
  bucket: string;
  path: string;
  size: number;
  sent: number;
  status: UploadStatus;
  /** Sent in parts through the resumable API. */
  resumable: boolean;
  error: ApiError | null;
  /** After success: whether it made a new file (true) or a new version (false). */
  created: boolean | null;
  fileId: string | null;
}

export type Uploader = (target: UploadTarget) => Promise<Uploaded>;
/** Drops what a failed upload left on the server (an open resumable upload). */
export type Discarder = (item: UploadItem, file: File) => Promise<void>;

let nextId = 1;

export class UploadQueue {
  private items: UploadItem[] = [];
  private readonly files = new Map<string, File>();
  private readonly controllers = new Map<string, AbortController>();
  private readonly listeners = new Set<() => void>();
  /** Called when an upload ends well (to refresh the listing). */
  onUploaded: ((item: UploadItem) => void) | null = null;

  constructor(
    private readonly upload: Uploader = (target) => uploadFile(target),
    private readonly concurrency = 2,
    private readonly discard: Discarder = (item, file) => (item.resumable ? discardUpload(item.bucket, item.path, file) : Promise.resolve()),
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): UploadItem[] => this.items;

  private update(id: string, patch: Partial<UploadItem>): void {
    this.items = this.items.map((item) => (item.id === id ? { ...item, ...patch } : item));
    for (const listener of this.listeners) listener();
  }

  /** Queues files for `bucket`, each at its path; returns their ids. */
  add(bucket: string, entries: Array<{ file: File; path: string }>): string[] {
    const added: UploadItem[] = entries.map(({ file, path }) => {
      const id = `upload-${nextId++}`;
      this.files.set(id, file);
      return { id, bucket, path, size: file.size, sent: 0, status: 'queued', resumable: file.size > RESUMABLE_THRESHOLD, error: null, created: null, fileId: null };
    });
    this.items = [...this.items, ...added];
    for (const listener of this.listeners) listener();
    this.pump();
    return added.map((a) => a.id);
  }

  private pump(): void {
    let running = this.items.filter((i) => i.status === 'uploading').length;
    for (const item of this.items) {
      if (running >= this.concurrency) break;
      if (item.status !== 'queued') continue;
      running += 1;
      void this.run(item.id);
    }
  }

  private async run(id: string): Promise<void> {
    const item = this.items.find((i) => i.id === id);
    const file = this.files.get(id);
    if (!item || !file) return;
    const controller = new AbortController();
    this.controllers.set(id, controller);
    this.update(id, { status: 'uploading', error: null });
    try {
      const result = await this.upload({ bucket: item.bucket, path: item.path, file, signal: controller.signal, onProgress: (sent) => this.update(id, { sent }) });
      this.files.delete(id);
      this.update(id, { status: 'done', sent: item.size, created: result.created, fileId: result.file.id });
      const done = this.items.find((i) => i.id === id);
      if (done) this.onUploaded?.(done);
    } catch (error) {
      if (isAbort(error) || controller.signal.aborted) {
        this.files.delete(id);
        this.update(id, { status: 'cancelled' });
      } else {
        this.update(id, { status: 'failed', error: isApiError(error) ? error : null });
      }
    } finally {
      this.controllers.delete(id);
      this.pump();
    }
  }

  /** Stops an upload (a resumable one is aborted on the server too). */
  cancel(id: string): void {
    const controller = this.controllers.get(id);
    if (controller) {
      controller.abort();
      return;
    }
    const item = this.items.find((i) => i.id === id);
    const file = this.files.get(id);
    if (item && (item.status === 'queued' || item.status === 'failed')) {
      if (item.status === 'failed' && file) void this.discard(item, file);
      this.files.delete(id);
      this.update(id, { status: 'cancelled' });
    }
  }

  /** Sends a failed upload again (a resumable one sends only the parts still missing). */
  retry(id: string): void {
    const item = this.items.find((i) => i.id === id);
    if (!item || item.status !== 'failed' || !this.files.has(id)) return;
    this.update(id, { status: 'queued', error: null });
    this.pump();
  }

  /** Forgets the uploads that ended (done, cancelled). */
  clearFinished(): void {
    this.items = this.items.filter((i) => i.status === 'queued' || i.status === 'uploading' || i.status === 'failed');
    for (const listener of this.listeners) listener();
  }
}

/** The page's queue (uploads survive moving between the files pages). */
export const uploadQueue = new UploadQueue();

/** The share of an upload sent, 0 to 1. */
export function uploadRatio(item: Pick<UploadItem, 'sent' | 'size' | 'status'>): number {
  if (item.status === 'done') return 1;
  if (item.size <= 0) return 0;
  return Math.min(1, Math.max(0, item.sent / item.size));
}

/** Totals of the queue, for a summary line: bytes sent of all, and how many are still going. */
export function queueTotals(items: UploadItem[]): { sent: number; size: number; active: number; failed: number; done: number } {
  let sent = 0;
  let size = 0;
  let active = 0;
  let failed = 0;
  let done = 0;
  for (const item of items) {
    if (item.status === 'cancelled') continue;
    size += item.size;
    sent += item.status === 'done' ? item.size : item.sent;
    if (item.status === 'queued' || item.status === 'uploading') active += 1;
    if (item.status === 'failed') failed += 1;
    if (item.status === 'done') done += 1;
  }
  return { sent, size, active, failed, done };
}
