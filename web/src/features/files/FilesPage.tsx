import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { ArrowDown, ArrowUp, ArrowUpDown, ChevronRight, Folder, FolderPlus, HardDrive, Plus, Search, Upload } from 'lucide-react';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { BucketRead, FileRead, SortKey, TypeFilter } from '@/client';
import { PageHeader } from '@/components/layout/PageHeader';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Dialog, DialogClose, DialogContent } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input, TextField } from '@/components/ui/input';
import { ProgressBar } from '@/components/ui/progress';
import { Select } from '@/components/ui/select';
import { Skeleton, SkeletonBlock } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { hasPermission, useMe } from '@/features/session/api';
import { cn } from '@/lib/cn';
import { useFormat } from '@/lib/format';
import { bucketsQuery, listingQuery, TYPE_FILTERS, usageQuery, type ListingParams } from './api';
import { CreateBucketDialog } from './dialogs';
import { droppedFiles, hasFiles } from './drop';
import { FileActions, FileDialogs, useFileDialogs } from './FileActions';
import { breadcrumbs, joinPath, normalizeFolder } from './paths';
import { defaultOrder, type FilesSearch } from './search';
import { FileIcon, VisibilityBadge } from './shared';
import { UploadsPanel, useUploadQueue } from './Uploads';

const SORT_CHOICES = ['name:asc', 'name:desc', 'updated_at:desc', 'updated_at:asc', 'size:desc', 'size:asc'] as const;

function UsageMeters({ bucket }: { bucket: BucketRead | undefined }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const usage = useQuery(usageQuery);
  if (!usage.data) return <Skeleton className="h-10 w-full" />;
  const u = usage.data;
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <ProgressBar
        label={t('files.usage.mine')}
        value={u.used_bytes}
        max={u.quota_bytes}
        valueText={u.quota_bytes === null ? t('files.usage.noLimit', { used: fmt.bytes(u.used_bytes) }) : t('files.usage.of', { used: fmt.bytes(u.used_bytes), quota: fmt.bytes(u.quota_bytes) })}
        hint={t('files.usage.tenant', { tenant: fmt.bytes(u.tenant_bytes), stored: fmt.bytes(u.stored_bytes) })}
      />
      {bucket && (
        <ProgressBar
          label={t('files.usage.bucket', { bucket: bucket.name })}
          value={bucket.used_bytes}
          max={bucket.quota_bytes}
          valueText={bucket.quota_bytes === null ? t('files.usage.noLimit', { used: fmt.bytes(bucket.used_bytes) }) : t('files.usage.of', { used: fmt.bytes(bucket.used_bytes), quota: fmt.bytes(bucket.quota_bytes) })}
          hint={bucket.description || undefined}
        />
      )}
    </div>
  );
}

function Breadcrumbs({ bucket, folder, onGo }: { bucket: string; folder: string; onGo: (folder: string) => void }) {
  const { t } = useTranslation();
  const crumbs = breadcrumbs(folder);
  return (
    <nav aria-label={t('files.breadcrumbs')}>
      <ol className="flex flex-wrap items-center gap-1 text-sm">
        {crumbs.map((crumb, i) => {
          const last = i === crumbs.length - 1;
          const label = crumb.name || bucket;
          return (
            <li key={crumb.folder} className="flex items-center gap-1">
              {i > 0 && <ChevronRight aria-hidden className="rtl-flip size-4 text-fg-muted" />}
              {last ? (
                <span aria-current="page" className="font-semibold" dir="auto">
                  {i === 0 && <HardDrive aria-hidden className="me-1 inline size-4 align-[-3px]" />}
                  {label}
                </span>
              ) : (
                <button type="button" onClick={() => onGo(crumb.folder)} className="rounded-sm font-medium text-primary-text hover:underline" dir="auto">
                  {i === 0 && <HardDrive aria-hidden className="me-1 inline size-4 align-[-3px]" />}
                  {label}
                </button>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

function SortHeader({ id, label, sort, order, onSort, align, className }: { id: SortKey; label: string; sort: SortKey; order: 'asc' | 'desc'; onSort: (id: SortKey) => void; align?: 'end'; className?: string }) {
  const active = sort === id;
  return (
    <th scope="col" aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'} className={cn('px-4 py-2.5 text-xs font-semibold tracking-wide text-fg-muted uppercase', align === 'end' ? 'text-end' : 'text-start', className)}>
      <button type="button" onClick={() => onSort(id)} className="inline-flex items-center gap-1 rounded-sm uppercase hover:text-fg">
        {label}
        {active ? order === 'asc' ? <ArrowUp aria-hidden className="size-3.5" /> : <ArrowDown aria-hidden className="size-3.5" /> : <ArrowUpDown aria-hidden className="size-3.5 opacity-50" />}
      </button>
    </th>
  );
}

/** A drop target over the listing: files (and folders) dropped land in the folder shown. */
function DropZone({ enabled, folderLabel, onDrop, children }: { enabled: boolean; folderLabel: string; onDrop: (data: DataTransfer) => void; children: ReactNode }) {
  const { t } = useTranslation();
  const [over, setOver] = useState(false);
  const depth = useRef(0);
  if (!enabled) return <>{children}</>;
  return (
    <div
      className="relative"
      data-dropzone
      onDragEnter={(e) => {
        if (!hasFiles(e.dataTransfer)) return;
        e.preventDefault();
        depth.current += 1;
        setOver(true);
      }}
      onDragOver={(e) => {
        if (!hasFiles(e.dataTransfer)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setOver(false);
      }}
      onDrop={(e) => {
        if (!hasFiles(e.dataTransfer)) return;
        e.preventDefault();
        depth.current = 0;
        setOver(false);
        onDrop(e.dataTransfer);
      }}
    >
      {children}
      {over && (
        <div aria-hidden className="pointer-events-none absolute inset-0 z-10 flex items-center justify-center rounded-lg border-2 border-dashed border-primary bg-primary-soft/90 text-base font-semibold text-primary-text">
          <Upload className="me-2 size-5" />
          {t('files.dropHere', { folder: folderLabel })}
        </div>
      )}
    </div>
  );
}

function NewFolderDialog({ open, onOpenChange, onCreate }: { open: boolean; onOpenChange: (open: boolean) => void; onCreate: (name: string) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const clean = normalizeFolder(name);
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent title={t('files.newFolder.title')} description={t('files.newFolder.description')}>
        <form
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            if (!clean) return;
            onCreate(clean);
            setName('');
            onOpenChange(false);
          }}
        >
          <TextField label={t('files.newFolder.name')} required value={name} onChange={(e) => setName(e.target.value)} dir="auto" />
          <div className="flex justify-end gap-2">
            <DialogClose asChild>
              <Button variant="outline">{t('common.cancel')}</Button>
            </DialogClose>
            <Button type="submit" disabled={!clean}>
              {t('files.newFolder.submit')}
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}

export function FilesPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const navigate = useNavigate();
  const search: FilesSearch = useSearch({ strict: false });
  const me = useMe();
  const canWrite = hasPermission(me.data, 'files:write');
  const canManage = hasPermission(me.data, 'tenant:write');
  const buckets = useQuery(bucketsQuery);
  const bucketName = search.bucket ?? buckets.data?.[0]?.name ?? '';
  const bucket = buckets.data?.find((b) => b.name === bucketName);
  const folder = search.folder ?? '';
  const params: ListingParams = {
    bucket: bucket ? bucketName : '',
    folder,
    q: search.q ?? '',
    type: search.type ?? '',
    sort: search.sort ?? 'name',
    order: search.order ?? defaultOrder(search.sort ?? 'name'),
    deleted: search.deleted ?? false,
  };
  const listing = useInfiniteQuery(listingQuery(params));
  const { items: uploads, queue } = useUploadQueue();
  const fileInput = useRef<HTMLInputElement>(null);
  const [creatingBucket, setCreatingBucket] = useState(false);
  const [newFolder, setNewFolder] = useState(false);
  const [query, setQuery] = useState(search.q ?? '');
  const dialogs = useFileDialogs();
  useEffect(() => setQuery(search.q ?? ''), [search.q]);

  const go = (patch: Partial<FilesSearch>) => void navigate({ to: '/files', search: (prev: FilesSearch) => ({ ...prev, ...patch }) });
  const openFolder = (next: string) => go({ folder: next || undefined, q: undefined });
  const onSort = (key: SortKey) => go({ sort: key, order: params.sort === key ? (params.order === 'asc' ? 'desc' : 'asc') : defaultOrder(key) });
  const enqueue = (entries: Array<{ file: File; relativePath: string }>) => {
    if (!bucket || entries.length === 0) return;
    queue.add(
      bucket.name,
      entries.map(({ file, relativePath }) => ({ file, path: joinPath(folder, relativePath) })),
    );
  };

  const folders = listing.data?.pages[0]?.folders ?? [];
  const files: FileRead[] = listing.data?.pages.flatMap((p) => p.items) ?? [];
  const searching = Boolean(params.q);
  const filtered = Boolean(params.q || params.type);
  const folderLabel = folder ? folder.slice(0, -1) : bucketName;
  const canUpload = canWrite && Boolean(bucket) && !params.deleted;

  const uploadButton = canUpload && (
    <>
      <input
        ref={fileInput}
        type="file"
        multiple
        hidden
        data-testid="upload-input"
        onChange={(e) => {
          const chosen = Array.from(e.target.files ?? []);
          enqueue(chosen.map((file) => ({ file, relativePath: file.name })));
          e.target.value = '';
        }}
      />
      <Button onClick={() => fileInput.current?.click()}>
        <Upload aria-hidden className="size-4" />
        {t('files.upload')}
      </Button>
    </>
  );

  const header = (
    <PageHeader
      title={t('files.title')}
      description={t('files.description')}
      actions={
        <>
          {canManage && (
            <Button variant="outline" onClick={() => setCreatingBucket(true)}>
              <Plus aria-hidden className="size-4" />
              {t('files.bucket.new')}
            </Button>
          )}
          {uploadButton}
        </>
      }
    />
  );
  const createDialog = <CreateBucketDialog open={creatingBucket} onOpenChange={setCreatingBucket} onCreated={(name) => void navigate({ to: '/files', search: { bucket: name } })} />;

  if (buckets.isError) {
    return (
      <>
        {header}
        <ErrorState error={buckets.error} onRetry={() => void buckets.refetch()} />
      </>
    );
  }
  if (!buckets.data) {
    return (
      <>
        {header}
        <SkeletonBlock label={t('common.loading')} lines={6} />
      </>
    );
  }
  if (buckets.data.length === 0) {
    return (
      <>
        {header}
        <EmptyState
          icon={<HardDrive aria-hidden className="size-5" />}
          title={t('files.noBuckets')}
          description={canManage ? t('files.noBucketsAdmin') : t('files.noBucketsMember')}
          action={
            canManage && (
              <Button onClick={() => setCreatingBucket(true)}>
                <Plus aria-hidden className="size-4" />
                {t('files.bucket.new')}
              </Button>
            )
          }
        />
        {createDialog}
      </>
    );
  }

  let body: ReactNode;
  if (!bucket) {
    body = <EmptyState title={t('files.bucketMissing', { bucket: bucketName })} description={t('files.bucketMissingBody')} />;
  } else if (listing.isError && !listing.data) {
    body = <ErrorState error={listing.error} onRetry={() => void listing.refetch()} />;
  } else if (!listing.data) {
    body = (
      <div className="rounded-lg border border-border bg-surface p-4">
        <SkeletonBlock label={t('common.loading')} lines={5} />
      </div>
    );
  } else if (folders.length === 0 && files.length === 0) {
    body = (
      <EmptyState
        icon={<Folder aria-hidden className="size-5" />}
        title={params.deleted ? t('files.emptyDeleted') : filtered ? t('files.emptyFiltered') : folder ? t('files.emptyFolder') : t('files.empty')}
        description={params.deleted ? t('files.emptyDeletedBody') : filtered ? t('files.emptyFilteredBody') : canUpload ? t('files.emptyBody') : undefined}
        action={!filtered && uploadButton ? <Button onClick={() => fileInput.current?.click()}>{t('files.upload')}</Button> : undefined}
      />
    );
  } else {
    body = (
      <div className="overflow-hidden rounded-lg border border-border bg-surface" aria-busy={listing.isFetching || undefined}>
        <div className="relative overflow-x-auto">
          <table className="w-full border-collapse text-sm">
            <caption className="sr-only">{t('files.caption', { folder: folderLabel })}</caption>
            <thead>
              <tr className="border-b border-border bg-surface-muted/60">
                <SortHeader id="name" label={t('files.columns.name')} sort={params.sort} order={params.order} onSort={onSort} />
                <SortHeader id="size" label={t('files.columns.size')} sort={params.sort} order={params.order} onSort={onSort} align="end" />
                <th scope="col" className="hidden px-4 py-2.5 text-start text-xs font-semibold tracking-wide text-fg-muted uppercase md:table-cell">
                  {t('files.columns.type')}
                </th>
                <SortHeader id="updated_at" label={t('files.columns.updated')} sort={params.sort} order={params.order} onSort={onSort} className="hidden md:table-cell" />
                <th scope="col" className="px-4 py-2.5 text-end">
                  <span className="sr-only">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {folders.map((name) => (
                <tr key={`folder:${name}`} className="border-b border-border last:border-b-0 hover:bg-surface-muted/50" data-folder={name}>
                  <td className="px-4 py-2.5" colSpan={5}>
                    <button type="button" onClick={() => openFolder(`${folder}${name}/`)} className="inline-flex items-center gap-2 rounded-sm font-medium text-fg hover:text-primary-text" dir="auto">
                      <Folder aria-hidden className="size-4 text-primary-text" />
                      <span className="sr-only">{t('files.folder')}</span>
                      {name}
                    </button>
                  </td>
                </tr>
              ))}
              {files.map((file) => (
                <tr key={file.id} className="border-b border-border last:border-b-0 hover:bg-surface-muted/50" data-file={file.path}>
                  <td className="px-4 py-2.5">
                    <div className="flex min-w-0 items-center gap-2">
                      <FileIcon contentType={file.content_type} />
                      <div className="flex min-w-0 flex-col">
                        <Link to="/files/$fileId" params={{ fileId: file.id }} className="font-medium [overflow-wrap:anywhere]" dir="auto">
                          {file.name}
                        </Link>
                        {searching && file.folder !== folder && (
                          <span className="text-xs text-fg-muted [overflow-wrap:anywhere]" dir="auto">
                            {file.folder || bucketName}
                          </span>
                        )}
                        <span className="text-xs text-fg-muted md:hidden">
                          {fmt.dateTime(file.updated_at)}
                          {file.version_count > 1 && ` · ${t('files.versionsCount', { count: file.version_count })}`}
                          {file.deleted_at && ` · ${t('files.deletedAt', { when: fmt.dateTime(file.deleted_at) })}`}
                        </span>
                      </div>
                      {file.version_count > 1 && (
                        <span className="hidden md:inline-flex">
                          <Badge>{t('files.versionsCount', { count: file.version_count })}</Badge>
                        </span>
                      )}
                    </div>
                  </td>
                  <td className="px-4 py-2.5 text-end whitespace-nowrap tabular-nums">{fmt.bytes(file.size)}</td>
                  <td className="hidden px-4 py-2.5 text-fg-muted md:table-cell">
                    <span dir="ltr" className="text-xs">
                      {file.content_type}
                    </span>
                  </td>
                  <td className="hidden px-4 py-2.5 whitespace-nowrap text-fg-muted md:table-cell">
                    {fmt.dateTime(file.updated_at)}
                    {file.deleted_at && <span className="block text-xs">{t('files.deletedAt', { when: fmt.dateTime(file.deleted_at) })}</span>}
                  </td>
                  <td className="px-2 py-1.5 text-end">
                    <FileActions file={file} canWrite={canWrite} dialogs={dialogs} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    );
  }

  const listingView = (
    <>
      <DropZone enabled={canUpload} folderLabel={folderLabel} onDrop={(data) => void droppedFiles(data).then(enqueue)}>
        {body}
      </DropZone>
      {canUpload && <p className="-mt-2 text-xs text-fg-muted">{t('files.dropHint')}</p>}
      {listing.hasNextPage && (
        <div className="flex justify-center">
          <Button variant="outline" onClick={() => void listing.fetchNextPage()} loading={listing.isFetchingNextPage}>
            {t('files.loadMore')}
          </Button>
        </div>
      )}
    </>
  );

  return (
    <>
      {header}
      <div className="flex flex-col gap-5">
        <section aria-label={t('files.bucketAndUsage')} className="grid items-end gap-4 rounded-xl border border-border bg-surface p-4 shadow-sm lg:grid-cols-[16rem_1fr]">
          <Field label={t('files.fields.bucket')}>
            {(field) => (
              <Select
                aria-label={t('files.fields.bucket')}
                {...field}
                value={bucketName}
                onValueChange={(v) => void navigate({ to: '/files', search: { bucket: v } })}
                options={buckets.data.map((b) => ({ value: b.name, label: b.visibility === 'public-read' ? t('files.bucketPublic', { name: b.name }) : b.name }))}
                className="w-full"
              />
            )}
          </Field>
          <UsageMeters bucket={bucket} />
        </section>

        {bucket ? (
          <Tabs value={params.deleted ? 'deleted' : 'files'} onValueChange={(v) => go({ deleted: v === 'deleted' ? true : undefined, folder: undefined, q: undefined })}>
            <TabsList label={t('files.views')}>
              <TabsTrigger value="files">{t('files.viewFiles')}</TabsTrigger>
              <TabsTrigger value="deleted">{t('files.viewDeleted')}</TabsTrigger>
            </TabsList>
            <TabsContent value={params.deleted ? 'deleted' : 'files'} className="flex flex-col gap-4">
              <div className="flex flex-wrap items-center gap-2">
                <Breadcrumbs bucket={bucketName} folder={folder} onGo={openFolder} />
                <VisibilityBadge visibility={bucket.visibility} />
              </div>
              <div role="search" aria-label={t('files.filters')} className="flex flex-wrap items-center gap-2">
                <form
                  className="flex items-center gap-2"
                  onSubmit={(e) => {
                    e.preventDefault();
                    go({ q: query.trim() || undefined });
                  }}
                >
                  <div className="relative">
                    <Search aria-hidden className="pointer-events-none absolute start-2.5 top-1/2 size-4 -translate-y-1/2 text-fg-muted" />
                    <Input aria-label={t('files.searchLabel', { folder: folderLabel })} type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder={t('files.searchPlaceholder')} className="w-52 ps-8 sm:w-64" />
                  </div>
                  <Button type="submit" variant="outline" className="h-9">
                    {t('common.search')}
                  </Button>
                </form>
                <div className="w-40">
                  <Select
                    aria-label={t('files.typeFilter')}
                    value={params.type || 'all'}
                    onValueChange={(v) => go({ type: v === 'all' ? undefined : (v as TypeFilter) })}
                    options={[{ value: 'all', label: t('files.types.all') }, ...TYPE_FILTERS.map((k) => ({ value: k, label: t(`files.types.${k}`) }))]}
                    className="w-full"
                  />
                </div>
                <div className="w-44 md:hidden">
                  <Select
                    aria-label={t('files.sortBy')}
                    value={`${params.sort}:${params.order}`}
                    onValueChange={(v) => {
                      const [sort, order] = v.split(':') as [SortKey, 'asc' | 'desc'];
                      go({ sort, order });
                    }}
                    options={SORT_CHOICES.map((choice) => ({ value: choice, label: t(`files.sortChoices.${choice.replace(':', '_')}`) }))}
                    className="w-full"
                  />
                </div>
                {canUpload && (
                  <Button variant="outline" className="h-9 sm:ms-auto" onClick={() => setNewFolder(true)}>
                    <FolderPlus aria-hidden className="size-4" />
                    {t('files.newFolder.button')}
                  </Button>
                )}
              </div>
              {listingView}
            </TabsContent>
          </Tabs>
        ) : (
          listingView
        )}
      </div>
      <UploadsPanel items={uploads} />
      {createDialog}
      <NewFolderDialog open={newFolder} onOpenChange={setNewFolder} onCreate={(name) => openFolder(`${folder}${name}`)} />
      <FileDialogs dialogs={dialogs} buckets={buckets.data.map((b) => b.name)} />
    </>
  );
}
