import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { Workflow } from 'lucide-react';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { RunRead, RunStatus } from '@/client';
import { PageHeader } from '@/components/layout/PageHeader';
import { Button } from '@/components/ui/button';
import { DataTable, type Column } from '@/components/ui/data-table';
import { Field } from '@/components/ui/field';
import { Select } from '@/components/ui/select';
import { EmptyState } from '@/components/ui/states';
import { usePagedQuery } from '@/components/ui/use-cursor-pagination';
import { useFormat } from '@/lib/format';
import { useMoney } from '@/lib/money';
import { fetchRuns, RUN_STATUSES, workflowsQuery, type RunFilters } from './api';
import type { RunsSearch } from './search';
import { RunStatusBadge } from './shared';

export function RunsPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const money = useMoney();
  const search: RunsSearch = useSearch({ strict: false });
  const navigate = useNavigate();
  const workflows = useQuery(workflowsQuery);
  const filters: RunFilters = { workflowId: search.workflow ?? '', status: search.status ?? '' };
  const filtered = Boolean(filters.workflowId || filters.status);
  const { query, rows, pagination } = usePagedQuery({
    queryKey: ['workflow-runs', 'list'],
    filters,
    fetchPage: ({ cursor, filters: f }) => fetchRuns({ cursor, filters: f }),
  });
  // Live enough for a list: refreshed while something in it still runs.
  const active = rows?.some((r) => r.status === 'running') ?? false;
  const { refetch } = query;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void refetch(), 3000);
    return () => clearInterval(timer);
  }, [active, refetch]);
  const name = (id: string) => workflows.data?.items.find((w) => w.id === id)?.name ?? t('workflows.runs.archivedWorkflow');
  const setFilter = (patch: Partial<RunsSearch>) => void navigate({ to: '/workflow-runs', search: { ...search, ...patch } });

  const columns: Column<RunRead>[] = [
    { id: 'time', header: t('workflows.runs.columns.started'), sortValue: (r) => r.created_at, cell: (r) => <span className="whitespace-nowrap">{fmt.dateTime(r.created_at)}</span> },
    {
      id: 'workflow',
      header: t('workflows.runs.columns.workflow'),
      cell: (r) => (
        <Link to="/workflows/$workflowId" params={{ workflowId: r.workflow_id }} className="font-medium">
          {name(r.workflow_id)}
        </Link>
      ),
    },
    { id: 'trigger', header: t('workflows.runs.columns.trigger'), cell: (r) => t(`workflows.triggerKinds.${r.trigger}`) },
    { id: 'status', header: t('workflows.runs.columns.status'), sortValue: (r) => r.status, cell: (r) => <RunStatusBadge status={r.status} /> },
    { id: 'tokens', header: t('workflows.runs.columns.tokens'), align: 'end', sortValue: (r) => r.charged_tokens, cell: (r) => <span className="tabular-nums">{money.tokens(r.charged_tokens)}</span> },
    { id: 'cost', header: t('workflows.runs.columns.cost'), align: 'end', sortValue: (r) => r.cost_nanos, cell: (r) => <span className="tabular-nums">{money.cost(r.cost_nanos)}</span> },
    {
      id: 'duration',
      header: t('workflows.runs.columns.duration'),
      align: 'end',
      cell: (r) => <span className="tabular-nums">{r.finished_at ? money.duration(new Date(r.finished_at).getTime() - new Date(r.created_at).getTime()) : '—'}</span>,
    },
    {
      id: 'view',
      header: <span className="sr-only">{t('common.actions')}</span>,
      align: 'end',
      cell: (r) => (
        <Link to="/workflow-runs/$runId" params={{ runId: r.id }} className="text-sm whitespace-nowrap" aria-label={t('workflows.runs.viewNamed', { workflow: name(r.workflow_id), time: fmt.dateTime(r.created_at) })}>
          {t('workflows.runs.view')}
        </Link>
      ),
    },
  ];

  return (
    <>
      <PageHeader title={t('workflows.runs.title')} description={t('workflows.runs.description')} />
      <DataTable
        caption={t('workflows.runs.caption')}
        columns={columns}
        rows={rows}
        rowKey={(r) => r.id}
        isLoading={query.isPending}
        error={query.error}
        onRetry={() => void query.refetch()}
        pagination={pagination}
        toolbar={
          <div role="search" aria-label={t('workflows.runs.filters.label')} className="flex w-full flex-wrap items-end gap-3">
            <Field label={t('workflows.runs.filters.workflow')} className="w-56">
              {(field) => (
                <Select
                  aria-label={t('workflows.runs.filters.workflow')}
                  {...field}
                  value={filters.workflowId || 'all'}
                  onValueChange={(v) => setFilter({ workflow: v === 'all' ? undefined : v })}
                  options={[{ value: 'all', label: t('workflows.runs.filters.all') }, ...(workflows.data?.items ?? []).map((w) => ({ value: w.id, label: w.name }))]}
                  className="w-full"
                />
              )}
            </Field>
            <Field label={t('workflows.runs.filters.status')} className="w-44">
              {(field) => (
                <Select
                  aria-label={t('workflows.runs.filters.status')}
                  {...field}
                  value={filters.status || 'all'}
                  onValueChange={(v) => setFilter({ status: v === 'all' ? undefined : (v as RunStatus) })}
                  options={[{ value: 'all', label: t('workflows.runs.filters.all') }, ...RUN_STATUSES.map((s) => ({ value: s, label: t(`workflows.runStatus.${s}`) }))]}
                  className="w-full"
                />
              )}
            </Field>
            {filtered && (
              <Button variant="ghost" className="h-9" onClick={() => void navigate({ to: '/workflow-runs', search: {} })}>
                {t('workflows.runs.filters.clear')}
              </Button>
            )}
          </div>
        }
        empty={
          <EmptyState
            icon={<Workflow aria-hidden className="size-5" />}
            title={filtered ? t('workflows.runs.emptyFiltered') : t('workflows.runs.empty')}
            description={filtered ? t('workflows.runs.emptyFilteredBody') : t('workflows.runs.emptyBody')}
          />
        }
      />
    </>
  );
}
