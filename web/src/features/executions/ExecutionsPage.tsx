import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { History } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExecutionRead, ExecutionStatus } from '@/client';
import { PageHeader } from '@/components/layout/PageHeader';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { DataTable, type Column } from '@/components/ui/data-table';
import { Field } from '@/components/ui/field';
import { Select } from '@/components/ui/select';
import { EmptyState } from '@/components/ui/states';
import { usePagedQuery } from '@/components/ui/use-cursor-pagination';
import { enginesQuery } from '@/features/engines/api';
import { useFormat } from '@/lib/format';
import { useMoney } from '@/lib/money';
import { EMPTY_EXECUTION_FILTERS, fetchExecutions, PERIODS, SOURCES, STATUSES, type ExecutionFilters } from './api';

export const statusTone: Record<ExecutionStatus, BadgeTone> = { running: 'primary', succeeded: 'success', failed: 'danger' };

export function ExecutionsPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const money = useMoney();
  const engines = useQuery(enginesQuery);
  const [filters, setFilters] = useState<ExecutionFilters>(EMPTY_EXECUTION_FILTERS);
  const { query, rows, pagination } = usePagedQuery({
    queryKey: ['executions', 'list'],
    filters,
    fetchPage: ({ cursor, filters: f }) => fetchExecutions({ cursor, filters: f }),
  });
  const filtered = JSON.stringify(filters) !== JSON.stringify(EMPTY_EXECUTION_FILTERS);
  const engineName = (id: string | null) => (id ? (engines.data?.items.find((e) => e.id === id)?.name ?? t('executions.archivedEngine')) : t('executions.gateway'));

  const columns: Column<ExecutionRead>[] = [
    { id: 'time', header: t('executions.columns.time'), sortValue: (e) => e.created_at, cell: (e) => <span className="whitespace-nowrap">{fmt.dateTime(e.created_at)}</span> },
    {
      id: 'engine',
      header: t('executions.columns.engine'),
      cell: (e) => (
        <div className="flex flex-col">
          <span className="font-medium">{engineName(e.engine_id)}</span>
          <code dir="ltr" className="text-xs text-fg-muted">
            {e.model_slug}
          </code>
        </div>
      ),
    },
    { id: 'source', header: t('executions.columns.source'), sortValue: (e) => e.source, cell: (e) => t(`executions.sources.${e.source}`) },
    { id: 'status', header: t('executions.columns.status'), sortValue: (e) => e.status, cell: (e) => <Badge tone={statusTone[e.status]}>{t(`executions.statuses.${e.status}`)}</Badge> },
    { id: 'tokens', header: t('executions.columns.tokens'), align: 'end', sortValue: (e) => e.charged_tokens, cell: (e) => <span className="tabular-nums">{money.tokens(e.charged_tokens)}</span> },
    { id: 'cost', header: t('executions.columns.cost'), align: 'end', sortValue: (e) => e.cost_nanos, cell: (e) => <span className="tabular-nums">{money.cost(e.cost_nanos)}</span> },
    { id: 'latency', header: t('executions.columns.latency'), align: 'end', sortValue: (e) => e.latency_ms ?? -1, cell: (e) => <span className="tabular-nums">{money.duration(e.latency_ms)}</span> },
    {
      id: 'view',
      header: <span className="sr-only">{t('common.actions')}</span>,
      align: 'end',
      cell: (e) => (
        <Link to="/executions/$executionId" params={{ executionId: e.id }} className="text-sm whitespace-nowrap" aria-label={t('executions.viewNamed', { time: fmt.dateTime(e.created_at) })}>
          {t('executions.view')}
        </Link>
      ),
    },
  ];

  const set = (patch: Partial<ExecutionFilters>) => setFilters((f) => ({ ...f, ...patch }));
  return (
    <>
      <PageHeader title={t('executions.title')} description={t('executions.description')} />
      <DataTable
        caption={t('executions.tableCaption')}
        columns={columns}
        rows={rows}
        rowKey={(e) => e.id}
        isLoading={query.isPending}
        error={query.error}
        onRetry={() => void query.refetch()}
        pagination={pagination}
        toolbar={
          <div role="search" aria-label={t('executions.filters.label')} className="flex w-full flex-wrap items-end gap-3">
            <Field label={t('executions.filters.engine')} className="w-48">
              {(field) => (
                <Select
                  aria-label={t('executions.filters.engine')}
                  {...field}
                  value={filters.engineId || 'all'}
                  onValueChange={(v) => set({ engineId: v === 'all' ? '' : v })}
                  options={[{ value: 'all', label: t('executions.filters.all') }, ...(engines.data?.items ?? []).map((e) => ({ value: e.id, label: e.name }))]}
                  className="w-full"
                />
              )}
            </Field>
            <Field label={t('executions.filters.status')} className="w-40">
              {(field) => (
                <Select
                  aria-label={t('executions.filters.status')}
                  {...field}
                  value={filters.status || 'all'}
                  onValueChange={(v) => set({ status: v === 'all' ? '' : (v as ExecutionFilters['status']) })}
                  options={[{ value: 'all', label: t('executions.filters.all') }, ...STATUSES.map((s) => ({ value: s, label: t(`executions.statuses.${s}`) }))]}
                  className="w-full"
                />
              )}
            </Field>
            <Field label={t('executions.filters.source')} className="w-40">
              {(field) => (
                <Select
                  aria-label={t('executions.filters.source')}
                  {...field}
                  value={filters.source || 'all'}
                  onValueChange={(v) => set({ source: v === 'all' ? '' : (v as ExecutionFilters['source']) })}
                  options={[{ value: 'all', label: t('executions.filters.all') }, ...SOURCES.map((s) => ({ value: s, label: t(`executions.sources.${s}`) }))]}
                  className="w-full"
                />
              )}
            </Field>
            <Field label={t('executions.filters.period')} className="w-44">
              {(field) => (
                <Select
                  aria-label={t('executions.filters.period')}
                  {...field}
                  value={filters.period}
                  onValueChange={(v) => set({ period: v as ExecutionFilters['period'] })}
                  options={PERIODS.map((p) => ({ value: p, label: t(`executions.periods.${p}`) }))}
                  className="w-full"
                />
              )}
            </Field>
            {filtered && (
              <Button variant="ghost" className="h-9" onClick={() => setFilters(EMPTY_EXECUTION_FILTERS)}>
                {t('executions.filters.clear')}
              </Button>
            )}
          </div>
        }
        empty={
          <EmptyState
            icon={<History aria-hidden className="size-5" />}
            title={filtered ? t('executions.emptyFiltered') : t('executions.empty')}
            description={filtered ? t('executions.emptyFilteredBody') : t('executions.emptyBody')}
          />
        }
      />
    </>
  );
}
