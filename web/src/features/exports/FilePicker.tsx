// Picks a Markdown, HTML or text file to export, browsing buckets and folders.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { ChevronRight, Folder, HardDrive, Search } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FileRead } from '@/client';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { SkeletonBlock } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { bucketsQuery, listingQuery } from '@/features/files/api';
import { breadcrumbs, exportableKind } from '@/features/files/paths';
import { FileIcon } from '@/features/files/shared';
import { useFormat } from '@/lib/format';

export function FilePicker({ open, onOpenChange, onPick, initialBucket }: { open: boolean; onOpenChange: (open: boolean) => void; onPick: (file: FileRead) => void; initialBucket?: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const buckets = useQuery({ ...bucketsQuery, enabled: open });
  const [bucket, setBucket] = useState(initialBucket ?? '');
  const [folder, setFolder] = useState('');
  const [query, setQuery] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    if (!bucket && buckets.data?.[0]) setBucket(initialBucket ?? buckets.data[0].name);
  }, [bucket, buckets.data, initialBucket]);
  const listing = useInfiniteQuery({ ...listingQuery({ bucket, folder, q, type: '', sort: 'name', order: 'asc', deleted: false }), enabled: open && Boolean(bucket) });
  const folders = listing.data?.pages[0]?.folders ?? [];
  const files = (listing.data?.pages.flatMap((p) => p.items) ?? []).filter((f) => exportableKind(f.content_type) !== null);

  let body;
  if (buckets.isError) body = <ErrorState error={buckets.error} onRetry={() => void buckets.refetch()} />;
  else if (listing.isError) body = <ErrorState error={listing.error} onRetry={() => void listing.refetch()} />;
  else if (!listing.data) body = <SkeletonBlock label={t('common.loading')} lines={4} />;
  else if (folders.length === 0 && files.length === 0) body = <EmptyState title={t('exports.picker.empty')} description={t('exports.picker.emptyBody')} />;
  else
    body = (
      <ul className="flex flex-col divide-y divide-border rounded-lg border border-border" aria-label={t('exports.picker.list')}>
        {!q &&
          folders.map((name) => (
            <li key={`folder:${name}`}>
              <button type="button" onClick={() => setFolder(`${folder}${name}/`)} className="flex w-full items-center gap-2 px-3 py-2 text-start text-sm font-medium hover:bg-surface-muted" dir="auto">
                <Folder aria-hidden className="size-4 text-primary-text" />
                <span className="sr-only">{t('files.folder')}</span>
                {name}
              </button>
            </li>
          ))}
        {files.map((file) => (
          <li key={file.id}>
            <button type="button" onClick={() => onPick(file)} className="flex w-full items-center gap-2 px-3 py-2 text-start text-sm hover:bg-surface-muted" aria-label={t('exports.picker.pick', { name: file.path })}>
              <FileIcon contentType={file.content_type} />
              <span className="min-w-0 flex-1 [overflow-wrap:anywhere]" dir="auto">
                {q ? file.path : file.name}
              </span>
              <span className="text-xs text-fg-muted tabular-nums">{fmt.bytes(file.size)}</span>
            </button>
          </li>
        ))}
      </ul>
    );

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent title={t('exports.picker.title')} description={t('exports.picker.description')} className="max-w-xl">
        <div className="flex flex-col gap-3">
          <div className="flex flex-wrap items-center gap-2">
            <div className="w-44">
              <Select
                aria-label={t('files.fields.bucket')}
                value={bucket}
                onValueChange={(v) => {
                  setBucket(v);
                  setFolder('');
                }}
                options={(buckets.data ?? []).map((b) => ({ value: b.name, label: b.name }))}
                className="w-full"
              />
            </div>
            <form
              role="search"
              className="flex items-center gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                setQ(query.trim());
              }}
            >
              <div className="relative">
                <Search aria-hidden className="pointer-events-none absolute start-2.5 top-1/2 size-4 -translate-y-1/2 text-fg-muted" />
                <Input aria-label={t('exports.picker.search')} type="search" value={query} onChange={(e) => setQuery(e.target.value)} className="w-48 ps-8" />
              </div>
              <Button type="submit" variant="outline" className="h-9">
                {t('common.search')}
              </Button>
            </form>
          </div>
          <nav aria-label={t('files.breadcrumbs')}>
            <ol className="flex flex-wrap items-center gap-1 text-sm">
              {breadcrumbs(folder).map((crumb, i, all) => (
                <li key={crumb.folder} className="flex items-center gap-1">
                  {i > 0 && <ChevronRight aria-hidden className="rtl-flip size-4 text-fg-muted" />}
                  {i === all.length - 1 ? (
                    <span aria-current="page" className="font-semibold" dir="auto">
                      {i === 0 && <HardDrive aria-hidden className="me-1 inline size-4 align-[-3px]" />}
                      {crumb.name || bucket}
                    </span>
                  ) : (
                    <button type="button" onClick={() => setFolder(crumb.folder)} className="rounded-sm font-medium text-primary-text hover:underline" dir="auto">
                      {i === 0 && <HardDrive aria-hidden className="me-1 inline size-4 align-[-3px]" />}
                      {crumb.name || bucket}
                    </button>
                  )}
                </li>
              ))}
            </ol>
          </nav>
          {body}
          {listing.hasNextPage && (
            <Button variant="outline" onClick={() => void listing.fetchNextPage()} loading={listing.isFetchingNextPage}>
              {t('files.loadMore')}
            </Button>
          )}
        </div>
      </DialogContent>
    </Dialog>
  );
}
