import { FileSearch, ShieldCheck } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEventRead } from '@/client';
import { PageHeader } from '@/components/layout/PageHeader';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent } from '@/components/ui/dialog';
import { DataTable, type Column } from '@/components/ui/data-table';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { EmptyState } from '@/components/ui/states';
import { InfoTip } from '@/components/ui/tooltip';
import { usePagedQuery } from '@/components/ui/use-cursor-pagination';
import { useFormat } from '@/lib/format';
import { isApiError } from '@/lib/problem';
import { EMPTY_AUDIT_FILTERS, fetchAuditEvents, useVerifyChain, type AuditFilters } from './api';

function EventDetails({ event, onClose }: { event: AuditEventRead | null; onClose: () => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const rows: Array<[string, string | null | undefined]> = event
    ? [
        [t('audit.columns.time'), fmt.dateTime(event.created_at)],
        [t('audit.columns.action'), event.action],
        [t('audit.columns.outcome'), t(`audit.outcomes.${event.outcome}`, { defaultValue: event.outcome })],
        [t('audit.details.actorUser'), event.actor_user_id],
        [t('audit.details.actorApiKey'), event.actor_api_key_id],
        [t('audit.details.actorAdmin'), event.actor_admin_id],
        [t('audit.details.target'), event.target_type ? `${event.target_type} ${event.target_id ?? ''}` : null],
        [t('audit.details.ip'), event.ip],
        [t('audit.details.userAgent'), event.user_agent],
        [t('audit.details.requestId'), event.request_id],
        [t('audit.details.sequence'), String(event.seq)],
        [t('audit.details.hash'), event.hash],
      ]
    : [];
  return (
    <Dialog open={event !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent title={t('audit.details.title')} className="max-w-2xl">
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-2 text-sm">
          {rows
            .filter(([, value]) => value)
            .map(([label, value]) => (
              <div key={label} className="contents">
                <dt className="font-medium text-fg-muted">{label}</dt>
                <dd className="min-w-0 font-mono text-xs break-all" dir="ltr">
                  {value}
                </dd>
              </div>
            ))}
        </dl>
        {event && Object.keys(event.details ?? {}).length > 0 && (
          <>
            <h3 className="mt-4 mb-2 text-sm font-semibold">{t('audit.details.data')}</h3>
            <pre dir="ltr" className="overflow-x-auto rounded-md bg-surface-muted p-3 font-mono text-xs">
              {JSON.stringify(event.details, null, 2)}
            </pre>
          </>
        )}
      </DialogContent>
    </Dialog>
  );
}

export function AuditPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [draft, setDraft] = useState<AuditFilters>(EMPTY_AUDIT_FILTERS);
  const [filters, setFilters] = useState<AuditFilters>(EMPTY_AUDIT_FILTERS);
  const [selected, setSelected] = useState<AuditEventRead | null>(null);
  const { query, rows, pagination } = usePagedQuery({
    queryKey: ['audit-events'],
    filters,
    fetchPage: ({ cursor, filters: f }) => fetchAuditEvents({ cursor, filters: f }),
  });
  const verify = useVerifyChain();
  const filtered = JSON.stringify(filters) !== JSON.stringify(EMPTY_AUDIT_FILTERS);

  const columns: Column<AuditEventRead>[] = [
    { id: 'time', header: t('audit.columns.time'), sortValue: (e) => e.seq, cell: (e) => <span className="whitespace-nowrap">{fmt.dateTime(e.created_at)}</span> },
    {
      id: 'action',
      header: t('audit.columns.action'),
      sortValue: (e) => e.action,
      cell: (e) => (
        <code dir="ltr" className="text-xs">
          {e.action}
        </code>
      ),
    },
    {
      id: 'outcome',
      header: t('audit.columns.outcome'),
      sortValue: (e) => e.outcome,
      cell: (e) => <Badge tone={e.outcome === 'success' ? 'success' : 'danger'}>{t(`audit.outcomes.${e.outcome}`, { defaultValue: e.outcome })}</Badge>,
    },
    {
      id: 'actor',
      header: t('audit.columns.actor'),
      cell: (e) => (
        <span dir="ltr" className="font-mono text-xs text-fg-muted">
          {(e.actor_user_id ?? e.actor_api_key_id ?? '').slice(0, 8)}
        </span>
      ),
    },
    { id: 'target', header: t('audit.columns.target'), cell: (e) => e.target_type ?? '' },
    { id: 'ip', header: t('audit.columns.ip'), cell: (e) => <span dir="ltr">{e.ip ?? ''}</span> },
    {
      id: 'details',
      header: <span className="sr-only">{t('common.actions')}</span>,
      align: 'end',
      cell: (e) => (
        <Button variant="ghost" size="sm" onClick={() => setSelected(e)} aria-label={t('audit.viewNamed', { action: e.action, seq: e.seq })}>
          {t('audit.view')}
        </Button>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('audit.title')}
        description={t('audit.description')}
        actions={
          <Button variant="outline" loading={verify.isPending} onClick={() => verify.mutate()}>
            <ShieldCheck aria-hidden className="size-4" />
            {t('audit.verify.button')}
          </Button>
        }
      />
      {verify.data && (
        <Alert tone={verify.data.valid ? 'success' : 'danger'} className="mb-4">
          {verify.data.valid
            ? t('audit.verify.valid', { count: verify.data.checked })
            : t('audit.verify.broken', { seq: verify.data.first_broken_seq ?? 0 })}
        </Alert>
      )}
      {verify.isError && (
        <Alert tone="danger" className="mb-4">
          {isApiError(verify.error) ? verify.error.detail : t('errors.unknown')}
        </Alert>
      )}
      <DataTable
        caption={t('audit.tableCaption')}
        columns={columns}
        rows={rows}
        rowKey={(e) => e.id}
        isLoading={query.isPending}
        error={query.error}
        onRetry={() => void query.refetch()}
        pagination={pagination}
        toolbar={
          <form
            role="search"
            aria-label={t('audit.filters.label')}
            className="flex w-full flex-wrap items-end gap-3"
            onSubmit={(event) => {
              event.preventDefault();
              setFilters(draft);
            }}
          >
            <Field label={t('audit.filters.action')} labelExtra={<InfoTip content={t('audit.filters.actionHelp')} />} className="w-48">
              {(field) => <Input {...field} dir="ltr" placeholder={t('audit.filters.actionPlaceholder')} value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value })} />}
            </Field>
            <Field label={t('audit.filters.outcome')} className="w-40">
              {(field) => (
                <Select
                  aria-label={t('audit.filters.outcome')}
                  {...field}
                  value={draft.outcome || 'all'}
                  onValueChange={(v) => setDraft({ ...draft, outcome: v === 'all' ? '' : (v as AuditFilters['outcome']) })}
                  options={[
                    { value: 'all', label: t('audit.filters.all') },
                    { value: 'success', label: t('audit.outcomes.success') },
                    { value: 'failure', label: t('audit.outcomes.failure') },
                  ]}
                />
              )}
            </Field>
            <Field label={t('audit.filters.since')} className="w-40">
              {(field) => <Input {...field} type="date" value={draft.since} onChange={(e) => setDraft({ ...draft, since: e.target.value })} />}
            </Field>
            <Field label={t('audit.filters.until')} className="w-40">
              {(field) => <Input {...field} type="date" value={draft.until} onChange={(e) => setDraft({ ...draft, until: e.target.value })} />}
            </Field>
            <div className="flex gap-2">
              <Button type="submit" size="md" className="h-9">
                {t('audit.filters.apply')}
              </Button>
              {filtered && (
                <Button
                  variant="ghost"
                  className="h-9"
                  onClick={() => {
                    setDraft(EMPTY_AUDIT_FILTERS);
                    setFilters(EMPTY_AUDIT_FILTERS);
                  }}
                >
                  {t('audit.filters.clear')}
                </Button>
              )}
            </div>
          </form>
        }
        empty={
          <EmptyState
            icon={<FileSearch aria-hidden className="size-5" />}
            title={filtered ? t('audit.emptyFiltered') : t('audit.empty')}
            description={filtered ? t('audit.emptyFilteredBody') : undefined}
          />
        }
      />
      <EventDetails event={selected} onClose={() => setSelected(null)} />
    </>
  );
}
