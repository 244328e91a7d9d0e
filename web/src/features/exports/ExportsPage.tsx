import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { Ban, Download, FileOutput, LayoutTemplate, Plus, RotateCcw } from 'lucide-react';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExportRead, ExportStatus } from '@/client';
import { PageHeader } from '@/components/layout/PageHeader';
import { Button, buttonClasses } from '@/components/ui/button';
import { DataTable, type Column } from '@/components/ui/data-table';
import { Field } from '@/components/ui/field';
import { Select } from '@/components/ui/select';
import { EmptyState } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { usePagedQuery } from '@/components/ui/use-cursor-pagination';
import { hasPermission, useMe } from '@/features/session/api';
import { useFormat } from '@/lib/format';
import { formatDuration } from '@/lib/money';
import { isApiError } from '@/lib/problem';
import { downloadUrl, EXPORT_STATUSES, fetchExports, FINISHED, templatesQuery, useExportAction, type ExportFilters } from './api';
import type { ExportsSearch } from './search';
import { ExportProgress, ExportStatusBadge } from './shared';

export function ExportsPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { toast } = useToast();
  const navigate = useNavigate();
  const search: ExportsSearch = useSearch({ strict: false });
  const me = useMe();
  const canWrite = hasPermission(me.data, 'files:write');
  const canManage = hasPermission(me.data, 'tenant:write');
  const templates = useQuery(templatesQuery);
  const filters: ExportFilters = { status: search.status ?? '' };
  const { query, rows, pagination } = usePagedQuery({
    queryKey: ['exports', 'list'],
    filters,
    fetchPage: ({ cursor, filters: f }) => fetchExports({ cursor, filters: f }),
  });
  const action = useExportAction();
  // Live enough for a list: refreshed while an export in it is still going.
  const active = rows?.some((r) => !FINISHED.has(r.status)) ?? false;
  const { refetch } = query;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void refetch(), 2000);
    return () => clearInterval(timer);
  }, [active, refetch]);
  const templateName = (slug: string) => templates.data?.find((tpl) => tpl.slug === slug)?.name ?? slug;
  const run = (job: ExportRead, kind: 'cancel' | 'retry') =>
    action.mutate(
      { id: job.id, action: kind },
      {
        onSuccess: () => toast({ title: t(`exports.actions.${kind}Done`, { title: job.title }), variant: 'success' }),
        onError: (error) => toast({ title: isApiError(error) ? error.detail : t('errors.unknown'), variant: 'error' }),
      },
    );

  const columns: Column<ExportRead>[] = [
    {
      id: 'title',
      header: t('exports.columns.title'),
      sortValue: (r) => r.title,
      cell: (r) => (
        <Link to="/exports/$exportId" params={{ exportId: r.id }} className="inline-block min-w-32 font-medium [overflow-wrap:anywhere]" dir="auto">
          {r.title || t('exports.untitled')}
        </Link>
      ),
    },
    { id: 'format', header: t('exports.columns.format'), className: 'hidden sm:table-cell', cell: (r) => t(`exports.formats.${r.format}`) },
    { id: 'template', header: t('exports.columns.template'), className: 'hidden 2xl:table-cell', cell: (r) => templateName(r.template) },
    {
      id: 'status',
      header: t('exports.columns.status'),
      sortValue: (r) => r.status,
      cell: (r) => (
        <div className="flex min-w-28 flex-col items-start gap-1.5" data-export-status={r.status}>
          <ExportStatusBadge status={r.status} />
          {!FINISHED.has(r.status) && <ExportProgress job={r} compact />}
          {r.error && <span className="text-xs text-danger-text">{r.error.message}</span>}
        </div>
      ),
    },
    { id: 'size', header: t('exports.columns.size'), align: 'end', className: 'hidden sm:table-cell', sortValue: (r) => r.size ?? -1, cell: (r) => <span className="whitespace-nowrap tabular-nums">{r.size !== null && r.size !== undefined ? fmt.bytes(r.size) : '—'}</span> },
    { id: 'duration', header: t('exports.columns.duration'), align: 'end', className: 'hidden 2xl:table-cell', sortValue: (r) => r.duration_ms ?? -1, cell: (r) => <span className="whitespace-nowrap tabular-nums">{r.duration_ms !== null && r.duration_ms !== undefined ? formatDuration(r.duration_ms, fmt.locale) : '—'}</span> },
    { id: 'created', header: t('exports.columns.created'), className: 'hidden lg:table-cell', sortValue: (r) => r.created_at, cell: (r) => <span className="whitespace-nowrap">{fmt.dateTime(r.created_at)}</span> },
    {
      id: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      align: 'end',
      cell: (r) => (
        <div className="flex justify-end gap-1.5">
          {r.status === 'succeeded' && (
            <a href={downloadUrl(r.id)} download className={buttonClasses('ghost', 'sm')} aria-label={t('exports.actions.downloadNamed', { title: r.title })}>
              <Download aria-hidden className="size-3.5" />
              <span className="hidden sm:inline">{t('exports.actions.download')}</span>
            </a>
          )}
          {canWrite && !FINISHED.has(r.status) && (
            <Button variant="ghost" size="sm" onClick={() => run(r, 'cancel')} aria-label={t('exports.actions.cancelNamed', { title: r.title })}>
              <Ban aria-hidden className="size-3.5" />
              <span className="hidden sm:inline">{t('exports.actions.cancel')}</span>
            </Button>
          )}
          {canWrite && (r.status === 'failed' || r.status === 'cancelled') && (
            <Button variant="outline" size="sm" onClick={() => run(r, 'retry')} aria-label={t('exports.actions.retryNamed', { title: r.title })}>
              <RotateCcw aria-hidden className="size-3.5" />
              <span className="hidden sm:inline">{t('exports.actions.retry')}</span>
            </Button>
          )}
        </div>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('exports.title')}
        description={t('exports.description')}
        actions={
          <>
            <Link to="/exports/templates" className={buttonClasses('outline')}>
              <LayoutTemplate aria-hidden className="size-4" />
              {canManage ? t('exports.templates.manage') : t('exports.templates.view')}
            </Link>
            {canWrite && (
              <Link to="/exports/new" className={buttonClasses('primary')}>
                <Plus aria-hidden className="size-4" />
                {t('exports.new.button')}
              </Link>
            )}
          </>
        }
      />
      <DataTable
        caption={t('exports.caption')}
        columns={columns}
        rows={rows}
        rowKey={(r) => r.id}
        isLoading={query.isPending}
        error={query.error}
        onRetry={() => void query.refetch()}
        pagination={pagination}
        toolbar={
          <div role="search" aria-label={t('exports.filters')} className="flex w-full flex-wrap items-end gap-3">
            <Field label={t('exports.columns.status')} className="w-44">
              {(field) => (
                <Select
                  aria-label={t('exports.columns.status')}
                  {...field}
                  value={filters.status || 'all'}
                  onValueChange={(v) => void navigate({ to: '/exports', search: v === 'all' ? {} : { status: v as ExportStatus } })}
                  options={[{ value: 'all', label: t('exports.allStatuses') }, ...EXPORT_STATUSES.map((s) => ({ value: s, label: t(`exports.status.${s}`) }))]}
                  className="w-full"
                />
              )}
            </Field>
          </div>
        }
        empty={
          <EmptyState
            icon={<FileOutput aria-hidden className="size-5" />}
            title={filters.status ? t('exports.emptyFiltered') : t('exports.empty')}
            description={filters.status ? undefined : t('exports.emptyBody')}
            action={
              canWrite && !filters.status ? (
                <Link to="/exports/new" className={buttonClasses('primary')}>
                  {t('exports.new.button')}
                </Link>
              ) : undefined
            }
          />
        }
      />
    </>
  );
}
