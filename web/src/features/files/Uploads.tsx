import { useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { Ban, RotateCcw, X } from 'lucide-react';
import { useEffect, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { ProgressBar, type ProgressTone } from '@/components/ui/progress';
import { useFormat } from '@/lib/format';
import { queueTotals, uploadQueue, uploadRatio, type UploadItem, type UploadStatus } from './queue';

/** The upload queue, with the listing refreshed as each upload lands. */
export function useUploadQueue() {
  const queryClient = useQueryClient();
  const items = useSyncExternalStore(uploadQueue.subscribe, uploadQueue.getSnapshot);
  useEffect(() => {
    // Kept after the page leaves: an upload that lands later still refreshes the cache.
    uploadQueue.onUploaded = () => void queryClient.invalidateQueries({ queryKey: ['files'] });
  }, [queryClient]);
  return { items, queue: uploadQueue };
}

const statusTone: Record<UploadStatus, BadgeTone> = { queued: 'neutral', uploading: 'primary', done: 'success', failed: 'danger', cancelled: 'neutral' };
const barTone: Record<UploadStatus, ProgressTone> = { queued: 'neutral', uploading: 'primary', done: 'success', failed: 'danger', cancelled: 'neutral' };

function UploadRow({ item }: { item: UploadItem }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const percent = Math.round(uploadRatio(item) * 100);
  const name = item.path.slice(item.path.lastIndexOf('/') + 1);
  const outcome = item.status === 'done' ? (item.created ? t('files.uploads.created') : t('files.uploads.newVersion')) : t(`files.uploads.status.${item.status}`);
  return (
    <li className="flex flex-col gap-2 py-3 first:pt-0 last:pb-0" data-upload={item.path} data-status={item.status}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="min-w-0 flex-1 truncate text-sm font-medium" dir="auto" title={item.path}>
          {item.status === 'done' && item.fileId ? (
            <Link to="/files/$fileId" params={{ fileId: item.fileId }}>
              {name}
            </Link>
          ) : (
            name
          )}
        </span>
        {item.resumable && <Badge>{t('files.uploads.inParts')}</Badge>}
        <Badge tone={statusTone[item.status]}>{outcome}</Badge>
        {(item.status === 'queued' || item.status === 'uploading' || item.status === 'failed') && (
          <Button variant="ghost" size="sm" onClick={() => uploadQueue.cancel(item.id)} aria-label={t('files.uploads.cancelNamed', { name })}>
            <Ban aria-hidden className="size-3.5" />
            {t('files.uploads.cancel')}
          </Button>
        )}
        {item.status === 'failed' && (
          <Button variant="outline" size="sm" onClick={() => uploadQueue.retry(item.id)} aria-label={t('files.uploads.retryNamed', { name })}>
            <RotateCcw aria-hidden className="size-3.5" />
            {t('files.uploads.retry')}
          </Button>
        )}
      </div>
      <ProgressBar
        label={t('files.uploads.progressOf', { name })}
        value={item.status === 'done' ? item.size : item.sent}
        max={Math.max(1, item.size)}
        tone={barTone[item.status]}
        hideLabel
        valueText={t('files.uploads.progressValue', { percent: fmt.number(percent), sent: fmt.bytes(item.status === 'done' ? item.size : item.sent), size: fmt.bytes(item.size) })}
      />
      {item.status === 'failed' && (
        <p role="alert" className="text-sm text-danger-text">
          {item.error?.detail ?? t('errors.unknown')}
        </p>
      )}
    </li>
  );
}

/** The uploads of this visit: one progress bar each, with cancel and retry. */
export function UploadsPanel({ items }: { items: UploadItem[] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  if (items.length === 0) return null;
  const totals = queueTotals(items);
  const finished = items.some((i) => i.status === 'done' || i.status === 'cancelled');
  return (
    <Card labelledBy="uploads-heading" className="mt-6">
      <CardHeader
        id="uploads-heading"
        title={t('files.uploads.title')}
        description={
          <>
            {totals.active > 0
              ? t('files.uploads.summaryActive', { count: totals.active, sent: fmt.bytes(totals.sent), size: fmt.bytes(totals.size) })
              : t('files.uploads.summaryDone', { count: totals.done })}
            {/* Announced when a file lands, not at every byte the summary above counts. */}
            <span className="sr-only" role="status">
              {t('files.uploads.summaryDone', { count: totals.done })}
            </span>
          </>
        }
        actions={
          finished && (
            <Button variant="ghost" size="sm" onClick={() => uploadQueue.clearFinished()}>
              <X aria-hidden className="size-3.5" />
              {t('files.uploads.clear')}
            </Button>
          )
        }
      />
      <CardBody>
        <ul className="flex flex-col divide-y divide-border">
          {items.map((item) => (
            <UploadRow key={item.id} item={item} />
          ))}
        </ul>
      </CardBody>
    </Card>
  );
}
