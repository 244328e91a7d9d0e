import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { ArchiveRestore, ArrowLeft, Copy, Download, FileOutput, FolderInput, Link2, Loader2, RotateCcw, Trash2 } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { FileRead, FileVersionRead } from '@/client';
import { PageHeader } from '@/components/layout/PageHeader';
import { Alert, FormError } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button, buttonClasses } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { SkeletonBlock } from '@/components/ui/skeleton';
import { ErrorState } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { hasPermission, useMe } from '@/features/session/api';
import { useFormat } from '@/lib/format';
import { bucketsQuery, contentUrl, fileQuery, useRestoreVersion, useUndeleteFile, versionsQuery } from './api';
import { FileDialogs, useFileDialogs } from './FileActions';
import { exportableKind } from './paths';
import { FileIcon } from './shared';

type Version = FileVersionRead;

function Preview({ file }: { file: FileRead }) {
  const { t } = useTranslation();
  const { status, text } = file.preview;
  // The address names the version, so a restored file never shows a cached older picture.
  const src = file.preview.image_url ?? null;
  let body: ReactNode;
  if (status === 'pending') {
    body = (
      <p role="status" className="flex items-center gap-2 text-sm text-fg-muted">
        <Loader2 aria-hidden className="size-4 animate-spin" />
        {t('files.preview.pending')}
      </p>
    );
  } else if (status === 'ready' && src) {
    body = <img src={src} alt={t('files.preview.imageAlt', { name: file.name })} className="mx-auto max-h-[28rem] max-w-full rounded-md border border-border bg-surface-muted object-contain" />;
  } else if (status === 'ready' && text !== null && text !== undefined) {
    body = (
      <pre dir="auto" tabIndex={0} aria-label={t('files.preview.textLabel', { name: file.name })} className="max-h-[28rem] overflow-auto rounded-md bg-surface-muted p-3 font-mono text-xs whitespace-pre-wrap break-words">
        {text}
      </pre>
    );
  } else if (status === 'failed') {
    body = <p className="text-sm text-fg-muted">{t('files.preview.failed')}</p>;
  } else {
    body = <p className="text-sm text-fg-muted">{t('files.preview.none')}</p>;
  }
  return (
    <Card labelledBy="file-preview">
      <CardHeader id="file-preview" title={t('files.preview.title')} />
      <CardBody>
        <div data-testid="preview" data-preview={status}>
          {body}
        </div>
      </CardBody>
    </Card>
  );
}

function Versions({ file, canWrite }: { file: FileRead; canWrite: boolean }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { toast } = useToast();
  const versions = useQuery(versionsQuery(file.id));
  const restore = useRestoreVersion();
  const [restoring, setRestoring] = useState<Version | null>(null);
  let body: ReactNode;
  if (versions.isError) body = <ErrorState error={versions.error} onRetry={() => void versions.refetch()} />;
  else if (!versions.data) body = <SkeletonBlock label={t('common.loading')} lines={3} />;
  else
    body = (
      <div className="relative overflow-x-auto">
        <table className="w-full text-sm">
          <caption className="sr-only">{t('files.versions.caption', { name: file.name })}</caption>
          <thead>
            <tr className="border-b border-border text-xs text-fg-muted uppercase">
              <th scope="col" className="py-2 pe-3 text-start font-semibold">
                {t('files.versions.version')}
              </th>
              <th scope="col" className="py-2 pe-3 text-end font-semibold">
                {t('files.columns.size')}
              </th>
              <th scope="col" className="hidden py-2 pe-3 text-start font-semibold sm:table-cell">
                {t('files.versions.created')}
              </th>
              <th scope="col" className="py-2 text-end font-semibold">
                <span className="sr-only">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {versions.data.map((v) => (
              <tr key={v.number} className="border-b border-border last:border-b-0" data-version={v.number} data-current={v.current || undefined}>
                <td className="py-2 pe-3">
                  <div className="flex flex-wrap items-center gap-2">
                    <span className="font-medium tabular-nums">{t('files.versions.number', { number: v.number })}</span>
                    {v.current && <Badge tone="success">{t('files.versions.current')}</Badge>}
                    {v.restored_from !== null && v.restored_from !== undefined && <span className="text-xs text-fg-muted">{t('files.versions.restoredFrom', { number: v.restored_from })}</span>}
                  </div>
                  <span className="text-xs text-fg-muted sm:hidden">{fmt.dateTime(v.created_at)}</span>
                </td>
                <td className="py-2 pe-3 text-end whitespace-nowrap tabular-nums">{fmt.bytes(v.size)}</td>
                <td className="hidden py-2 pe-3 whitespace-nowrap text-fg-muted sm:table-cell">{fmt.dateTime(v.created_at)}</td>
                <td className="py-1.5">
                  <div className="flex justify-end gap-1.5">
                    <a href={contentUrl(file.id, { version: v.number, download: true })} download className={buttonClasses('ghost', 'sm')} aria-label={t('files.versions.downloadNamed', { number: v.number })}>
                      <Download aria-hidden className="size-3.5" />
                      <span className="hidden sm:inline">{t('files.actions.download')}</span>
                    </a>
                    {canWrite && !v.current && !file.deleted_at && (
                      <Button variant="outline" size="sm" onClick={() => setRestoring(v)} aria-label={t('files.versions.restoreNamed', { number: v.number })}>
                        <RotateCcw aria-hidden className="size-3.5" />
                        <span className="hidden sm:inline">{t('files.versions.restore')}</span>
                      </Button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  return (
    <Card labelledBy="file-versions">
      <CardHeader id="file-versions" title={t('files.versions.title')} description={t('files.versions.description')} />
      <CardBody>{body}</CardBody>
      <ConfirmDialog
        open={restoring !== null}
        onOpenChange={(open) => {
          if (!open) {
            setRestoring(null);
            restore.reset();
          }
        }}
        danger={false}
        title={t('files.versions.restoreTitle', { number: restoring?.number ?? 0 })}
        description={t('files.versions.restoreDescription', { number: restoring?.number ?? 0 })}
        confirmLabel={t('files.versions.restore')}
        pending={restore.isPending}
        onConfirm={() =>
          restoring &&
          restore.mutate(
            { id: file.id, number: restoring.number },
            {
              onSuccess: () => {
                toast({ title: t('files.versions.restored', { number: restoring.number }), variant: 'success' });
                setRestoring(null);
              },
            },
          )
        }
      >
        <FormError error={restore.error} />
      </ConfirmDialog>
    </Card>
  );
}

export function FilePage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const navigate = useNavigate();
  const { toast } = useToast();
  const { fileId = '' } = useParams({ strict: false });
  const me = useMe();
  const canWrite = hasPermission(me.data, 'files:write');
  const file = useQuery(fileQuery(fileId));
  const buckets = useQuery(bucketsQuery);
  const dialogs = useFileDialogs();
  const undelete = useUndeleteFile();

  const f = file.data;
  const back = (
    <Link to="/files" search={f ? { bucket: f.bucket, folder: f.folder || undefined } : {}} className="mb-2 inline-flex items-center gap-1 text-sm">
      <ArrowLeft aria-hidden className="rtl-flip size-4" />
      {f ? t('files.backTo', { folder: f.folder ? f.folder.slice(0, -1) : f.bucket }) : t('files.back')}
    </Link>
  );
  if (file.isError) {
    return (
      <>
        {back}
        <PageHeader title={t('files.file')} />
        <ErrorState error={file.error} onRetry={() => void file.refetch()} />
      </>
    );
  }
  if (!f) return <SkeletonBlock label={t('common.loading')} lines={6} />;

  const facts: Array<[string, ReactNode]> = [
    [t('files.fields.path'), <span dir="ltr" className="break-all">{f.path}</span>],
    [t('files.fields.bucket'), f.bucket],
    [t('files.columns.size'), <span data-figure="size">{fmt.bytes(f.size)}</span>],
    [t('files.columns.type'), <code dir="ltr" className="text-xs">{f.content_type}</code>],
    [t('files.fields.version'), <span data-figure="version">{t('files.versionOf', { number: f.version, total: f.version_count })}</span>],
    [t('files.fields.sha256'), <code dir="ltr" className="text-xs break-all" data-figure="sha256">{f.sha256}</code>],
    [t('files.fields.created'), fmt.dateTime(f.created_at)],
    [t('files.columns.updated'), fmt.dateTime(f.updated_at)],
  ];

  return (
    <>
      {back}
      <PageHeader
        title={f.name}
        description={
          <span className="inline-flex items-center gap-1.5">
            <FileIcon contentType={f.content_type} />
            <span dir="ltr">{`${f.bucket}/${f.path}`}</span>
          </span>
        }
        actions={
          f.deleted_at ? null : (
            <>
              <a href={contentUrl(f.id, { download: true })} download className={buttonClasses('primary')}>
                <Download aria-hidden className="size-4" />
                {t('files.actions.download')}
              </a>
              {canWrite && exportableKind(f.content_type) && (
                <Link to="/exports/new" search={{ file: f.id }} className={buttonClasses('outline')}>
                  <FileOutput aria-hidden className="size-4" />
                  {t('files.actions.export')}
                </Link>
              )}
              <Button variant="outline" onClick={() => dialogs.setSharing(f)}>
                <Link2 aria-hidden className="size-4" />
                {t('files.actions.share')}
              </Button>
              {canWrite && (
                <>
                  <Button variant="outline" onClick={() => dialogs.setMoving({ file: f, mode: 'move' })}>
                    <FolderInput aria-hidden className="size-4" />
                    {t('files.actions.move')}
                  </Button>
                  <Button variant="outline" onClick={() => dialogs.setMoving({ file: f, mode: 'copy' })}>
                    <Copy aria-hidden className="size-4" />
                    {t('files.actions.copy')}
                  </Button>
                  <Button variant="ghost" onClick={() => dialogs.setDeleting(f)}>
                    <Trash2 aria-hidden className="size-4" />
                    {t('files.actions.delete')}
                  </Button>
                </>
              )}
            </>
          )
        }
      />
      <div className="flex flex-col gap-6">
        {f.deleted_at && (
          <Alert
            tone="warning"
            title={t('files.deletedTitle')}
            action={
              canWrite && (
                <Button
                  variant="outline"
                  size="sm"
                  loading={undelete.isPending}
                  onClick={() => undelete.mutate(f.id, { onSuccess: (r) => toast({ title: t('files.undeleted', { name: r.name }), variant: 'success' }) })}
                >
                  <ArchiveRestore aria-hidden className="size-3.5" />
                  {t('files.undelete')}
                </Button>
              )
            }
          >
            {t('files.deletedBody', { when: fmt.dateTime(f.deleted_at) })}
          </Alert>
        )}
        <FormError error={undelete.error} />
        <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
          <Preview file={f} />
          <Card labelledBy="file-details">
            <CardHeader id="file-details" title={t('files.details')} />
            <CardBody className="flex flex-col gap-4">
              <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm">
                {facts.map(([label, value]) => (
                  <div key={label} className="contents">
                    <dt className="font-medium text-fg-muted">{label}</dt>
                    <dd className="min-w-0 break-words">{value}</dd>
                  </div>
                ))}
              </dl>
              {f.public_url && (
                <div className="flex flex-col gap-1.5">
                  <label htmlFor="file-public-url" className="text-sm font-medium">
                    {t('files.publicUrl')}
                  </label>
                  <div className="flex items-center gap-2">
                    <input id="file-public-url" readOnly dir="ltr" value={f.public_url} onFocus={(e) => e.currentTarget.select()} className="h-9 w-full min-w-0 rounded-md border border-border-strong bg-surface-muted px-3 font-mono text-xs" />
                    <CopyButton value={f.public_url} />
                  </div>
                  <p className="text-xs text-fg-muted">{t('files.publicUrlHint')}</p>
                </div>
              )}
            </CardBody>
          </Card>
        </div>
        <Versions file={f} canWrite={canWrite} />
      </div>
      <FileDialogs
        dialogs={dialogs}
        buckets={buckets.data?.map((b) => b.name) ?? [f.bucket]}
        onDeleted={(deleted) => void navigate({ to: '/files', search: { bucket: deleted.bucket, folder: deleted.folder || undefined } })}
      />
    </>
  );
}
