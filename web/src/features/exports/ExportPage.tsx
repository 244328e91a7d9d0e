import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { ArrowLeft, Ban, Download, FolderOpen, RotateCcw } from 'lucide-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExportRead } from '@/client';
import { PageHeader } from '@/components/layout/PageHeader';
import { Alert, FormError } from '@/components/ui/alert';
import { Button, buttonClasses } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { SkeletonBlock } from '@/components/ui/skeleton';
import { ErrorState } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { hasPermission, useMe } from '@/features/session/api';
import { fileQuery } from '@/features/files/api';
import { useFormat } from '@/lib/format';
import { useLiveQuery } from '@/lib/live';
import { formatDuration } from '@/lib/money';
import { downloadUrl, exportQuery, exportQueryKey, FINISHED, parseExportEvent, previewUrl, templatesQuery, useExportAction } from './api';
import { ExportProgress, ExportStatusBadge, LiveBadge } from './shared';

function SourceFile({ id }: { id: string }) {
  const { t } = useTranslation();
  const file = useQuery(fileQuery(id));
  return (
    <Link to="/files/$fileId" params={{ fileId: id }} dir="auto" className="[overflow-wrap:anywhere]">
      {file.data ? file.data.path : t('exports.sourceKinds.file')}
    </Link>
  );
}

function Source({ job }: { job: ExportRead }) {
  const { t } = useTranslation();
  if (job.source_kind === 'file' && job.source_id) return <SourceFile id={job.source_id} />;
  if (job.source_kind === 'run' && job.source_id)
    return (
      <Link to="/workflow-runs/$runId" params={{ runId: job.source_id }}>
        {t('exports.sourceKinds.run')}
      </Link>
    );
  if (job.source_kind === 'execution' && job.source_id)
    return (
      <Link to="/executions/$executionId" params={{ executionId: job.source_id }}>
        {t('exports.sourceKinds.execution')}
      </Link>
    );
  return <>{t(`exports.sourceKinds.${job.source_kind}`)}</>;
}

export function ExportPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { toast } = useToast();
  const { exportId = '' } = useParams({ strict: false });
  const me = useMe();
  const canWrite = hasPermission(me.data, 'files:write');
  const job = useQuery(exportQuery(exportId));
  const templates = useQuery(templatesQuery);
  const finished = job.data ? FINISHED.has(job.data.status) : false;
  const phase = useLiveQuery<ExportRead>({
    queryKey: exportQueryKey(exportId),
    url: '/api/exports/{job_id}/events',
    path: { job_id: exportId },
    event: 'export',
    parse: parseExportEvent,
    isFinal: (j) => FINISHED.has(j.status),
    enabled: Boolean(job.data) && !finished,
  });
  const action = useExportAction();

  const back = (
    <Link to="/exports" className="mb-2 inline-flex items-center gap-1 text-sm">
      <ArrowLeft aria-hidden className="rtl-flip size-4" />
      {t('exports.back')}
    </Link>
  );
  if (job.isError)
    return (
      <>
        {back}
        <PageHeader title={t('exports.detail.title')} />
        <ErrorState error={job.error} onRetry={() => void job.refetch()} />
      </>
    );
  if (!job.data) return <SkeletonBlock label={t('common.loading')} lines={6} />;
  const j = job.data;
  const run = (kind: 'cancel' | 'retry') => action.mutate({ id: j.id, action: kind }, { onSuccess: () => toast({ title: t(`exports.actions.${kind}Done`, { title: j.title }), variant: 'success' }) });
  const templateName = templates.data?.find((tpl) => tpl.slug === j.template)?.name ?? j.template;
  const facts: Array<[string, ReactNode]> = [
    [t('exports.columns.format'), t(`exports.formats.${j.format}`)],
    [t('exports.columns.template'), templateName],
    [t('exports.detail.source'), <Source job={j} />],
    [t('exports.columns.size'), <span data-figure="size">{j.size !== null && j.size !== undefined ? fmt.bytes(j.size) : '—'}</span>],
    [t('exports.columns.duration'), j.duration_ms !== null && j.duration_ms !== undefined ? formatDuration(j.duration_ms, fmt.locale) : '—'],
    [t('exports.detail.attempts'), fmt.number(j.attempts)],
    [t('exports.columns.created'), fmt.dateTime(j.created_at)],
    [t('exports.detail.started'), j.started_at ? fmt.dateTime(j.started_at) : '—'],
    [t('exports.detail.finished'), j.finished_at ? fmt.dateTime(j.finished_at) : '—'],
  ];

  return (
    <>
      {back}
      <PageHeader
        title={j.title || t('exports.untitled')}
        description={t('exports.detail.description', { format: t(`exports.formats.${j.format}`), when: fmt.dateTime(j.created_at) })}
        actions={
          <>
            <span data-testid="export-status" data-status={j.status}>
              <ExportStatusBadge status={j.status} />
            </span>
            {!finished && <LiveBadge phase={phase} />}
            {j.status === 'succeeded' && (
              <a href={downloadUrl(j.id)} download className={buttonClasses('primary')}>
                <Download aria-hidden className="size-4" />
                {t('exports.actions.download')}
              </a>
            )}
            {j.status === 'succeeded' && j.file_id && (
              <Link to="/files/$fileId" params={{ fileId: j.file_id }} className={buttonClasses('outline')}>
                <FolderOpen aria-hidden className="size-4" />
                {t('exports.detail.openFile')}
              </Link>
            )}
            {canWrite && !finished && (
              <Button variant="outline" onClick={() => run('cancel')} loading={action.isPending && action.variables?.action === 'cancel'}>
                <Ban aria-hidden className="size-4" />
                {t('exports.actions.cancel')}
              </Button>
            )}
            {canWrite && (j.status === 'failed' || j.status === 'cancelled') && (
              <Button variant="outline" onClick={() => run('retry')} loading={action.isPending && action.variables?.action === 'retry'}>
                <RotateCcw aria-hidden className="size-4" />
                {t('exports.actions.retry')}
              </Button>
            )}
          </>
        }
      />
      <div className="flex flex-col gap-6">
        <FormError error={action.error} />
        {j.error && (
          <Alert tone="danger" title={t('exports.detail.failed')}>
            <p>{j.error.message}</p>
            <p className="text-xs text-fg-muted">
              <code dir="ltr">{j.error.code}</code>
            </p>
          </Alert>
        )}
        <Card labelledBy="export-progress">
          <CardHeader id="export-progress" title={t('exports.detail.progress')} />
          <CardBody>
            <ExportProgress job={j} />
          </CardBody>
        </Card>
        <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
          <Card labelledBy="export-preview">
            <CardHeader id="export-preview" title={t('exports.detail.preview')} description={t('exports.detail.previewHelp')} />
            <CardBody>
              {j.preview_pages > 0 ? (
                <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3" aria-label={t('exports.detail.preview')}>
                  {Array.from({ length: j.preview_pages }, (_, i) => i + 1).map((page) => (
                    <li key={page}>
                      <a href={previewUrl(j.id, page)} target="_blank" rel="noreferrer" className="block rounded-md border border-border bg-white shadow-sm hover:shadow-md">
                        <img src={previewUrl(j.id, page)} alt={t('exports.detail.pageAlt', { page, title: j.title })} className="w-full rounded-md" loading="lazy" />
                      </a>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="text-sm text-fg-muted">{finished ? t('exports.detail.noPreview') : t('exports.detail.previewLater')}</p>
              )}
            </CardBody>
          </Card>
          <Card labelledBy="export-details">
            <CardHeader id="export-details" title={t('exports.detail.details')} />
            <CardBody>
              <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm">
                {facts.map(([label, value]) => (
                  <div key={label} className="contents">
                    <dt className="font-medium text-fg-muted">{label}</dt>
                    <dd className="min-w-0 break-words tabular-nums">{value}</dd>
                  </div>
                ))}
              </dl>
            </CardBody>
          </Card>
        </div>
      </div>
    </>
  );
}
