import { useQuery } from '@tanstack/react-query';
import { Gauge, PauseCircle, Server, Undo2 } from 'lucide-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeadLetterRead, QueueRead, TaskFailureRead, WorkerRead } from '@/client';
import { PageHeader } from '@/components/layout/PageHeader';
import { Alert, FormError } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Chart } from '@/components/ui/chart';
import { Checkbox } from '@/components/ui/checkbox';
import { DataTable, type Column } from '@/components/ui/data-table';
import { ConfirmDialog, Dialog, DialogClose, DialogContent } from '@/components/ui/dialog';
import { TextField } from '@/components/ui/input';
import { ProgressBar } from '@/components/ui/progress';
import { SkeletonBlock } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { usePagedQuery } from '@/components/ui/use-cursor-pagination';
import { useFormat } from '@/lib/format';
import { useLiveQuery, type LivePhase } from '@/lib/live';
import { isApiError } from '@/lib/problem';
import { fetchDeadLetters, fetchFailures, statusQuery, statusQueryKey, useDrain, useRequeue, useResize, workerQuery } from './api';
import { ageParts, healthTone, parseStatusEvent, seriesChart } from './metrics';

const stateTone = { running: 'success', draining: 'warning', stopped: 'neutral' } as const;

function LiveBadge({ phase }: { phase: LivePhase }) {
  const { t } = useTranslation();
  return (
    <span role="status" data-live={phase} className="inline-flex">
      <Badge tone={phase === 'live' ? 'success' : phase === 'retrying' ? 'warning' : 'neutral'}>
        {phase === 'live' && <span aria-hidden className="size-2 animate-pulse rounded-full bg-success" />}
        {t(`workers.live.${phase}`)}
      </Badge>
    </span>
  );
}

function useAge() {
  const fmt = useFormat();
  return (seconds: number | null | undefined) => {
    if (seconds === null || seconds === undefined) return '—';
    const { value, unit } = ageParts(seconds);
    return fmt.number(value, { style: 'unit', unit, unitDisplay: 'short' });
  };
}

function ResizeDialog({ worker, onClose }: { worker: WorkerRead; onClose: () => void }) {
  const { t } = useTranslation();
  const { toast } = useToast();
  const resize = useResize();
  const [value, setValue] = useState(String(worker.slots));
  const [invalid, setInvalid] = useState(false);
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent
        title={t('workers.resize.title', { name: worker.name })}
        description={t('workers.resize.description')}
        footer={
          <>
            <DialogClose asChild>
              <Button variant="outline">{t('common.cancel')}</Button>
            </DialogClose>
            <Button type="submit" form="resize-worker" loading={resize.isPending}>
              {t('workers.resize.submit')}
            </Button>
          </>
        }
      >
        <form
          id="resize-worker"
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            const concurrency = Number(value);
            if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
              setInvalid(true);
              return;
            }
            setInvalid(false);
            resize.mutate(
              { id: worker.id, concurrency },
              {
                onSuccess: () => {
                  toast({ title: t('workers.resize.done', { name: worker.name, slots: concurrency }), variant: 'success' });
                  onClose();
                },
              },
            );
          }}
        >
          <FormError error={resize.error} />
          <TextField
            label={t('workers.resize.slots')}
            type="number"
            min={1}
            max={256}
            inputMode="numeric"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            hint={t('workers.resize.hint')}
            error={invalid ? t('workers.resize.invalid') : undefined}
          />
        </form>
      </DialogContent>
    </Dialog>
  );
}

function WorkerDetailCard({ worker }: { worker: WorkerRead }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [minutes, setMinutes] = useState(60);
  const detail = useQuery(workerQuery(worker.id, minutes));
  const chart = useMemo(() => (detail.data ? seriesChart(detail.data.series, (d) => fmt.number(d.getHours(), { minimumIntegerDigits: 2 }) + ':' + fmt.number(d.getMinutes(), { minimumIntegerDigits: 2 }), new Date(), minutes) : null), [detail.data, minutes, fmt]);
  return (
    <Card labelledBy="worker-detail">
      <CardHeader
        id="worker-detail"
        title={t('workers.detail.title', { name: worker.name })}
        description={t('workers.detail.description')}
        actions={
          <div role="group" aria-label={t('workers.detail.span')} className="flex gap-1">
            {[60, 360, 1440].map((m) => (
              <Button key={m} size="sm" variant={m === minutes ? 'secondary' : 'ghost'} aria-pressed={m === minutes} onClick={() => setMinutes(m)}>
                {t(`workers.detail.spans.${m}`)}
              </Button>
            ))}
          </div>
        }
      />
      <CardBody className="flex flex-col gap-6">
        {detail.isError ? (
          <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />
        ) : !chart || !detail.data ? (
          <SkeletonBlock label={t('common.loading')} />
        ) : (
          <>
            <div className="grid gap-6 lg:grid-cols-2">
              <div className="flex flex-col gap-2">
                <h3 className="text-sm font-semibold">{t('workers.detail.throughput')}</h3>
                <Chart type="bar" height={200} label={t('workers.detail.throughputLabel', { name: worker.name })} categories={chart.categories} series={[{ name: t('workers.detail.processed'), data: chart.throughput }]} />
              </div>
              <div className="flex flex-col gap-2">
                <h3 className="text-sm font-semibold">{t('workers.detail.errors')}</h3>
                <Chart type="bar" height={200} label={t('workers.detail.errorsLabel', { name: worker.name })} categories={chart.categories} series={[{ name: t('workers.detail.failed'), data: chart.errors }]} />
              </div>
              <div className="flex flex-col gap-2 lg:col-span-2">
                <h3 className="text-sm font-semibold">{t('workers.detail.latency')}</h3>
                <Chart type="bar" height={180} label={t('workers.detail.latencyLabel', { name: worker.name })} categories={chart.categories} series={[{ name: t('workers.detail.meanLatency'), data: chart.latency }]} />
              </div>
            </div>
            <div className="flex flex-col gap-2">
              <h3 className="text-sm font-semibold">{t('workers.detail.events')}</h3>
              {detail.data.events.length === 0 ? (
                <p className="text-sm text-fg-muted">{t('workers.detail.noEvents')}</p>
              ) : (
                <ol className="flex max-h-64 flex-col gap-1.5 overflow-y-auto text-sm" aria-label={t('workers.detail.events')}>
                  {detail.data.events.map((e) => (
                    <li key={e.id} className="flex flex-wrap items-center gap-2">
                      <span className="whitespace-nowrap text-fg-muted tabular-nums">{fmt.dateTime(e.occurred_at)}</span>
                      <Badge tone={e.kind === 'task_failed' || e.kind === 'heartbeat_missed' ? 'danger' : e.kind === 'draining' || e.kind === 'offline' ? 'warning' : 'neutral'}>{t(`workers.events.${e.kind}`)}</Badge>
                      {Object.keys(e.detail).length > 0 && (
                        <code dir="ltr" className="min-w-0 truncate text-xs text-fg-muted">
                          {JSON.stringify(e.detail)}
                        </code>
                      )}
                    </li>
                  ))}
                </ol>
              )}
            </div>
          </>
        )}
      </CardBody>
    </Card>
  );
}

function QueuesTable({ queues }: { queues: QueueRead[] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const age = useAge();
  const rate = (v: number) => fmt.number(v, { maximumFractionDigits: 2 });
  const columns: Column<QueueRead>[] = [
    { id: 'name', header: t('workers.queues.name'), cell: (q) => <code dir="ltr" className="font-medium">{q.name}</code> },
    { id: 'depth', header: t('workers.queues.depth'), align: 'end', sortValue: (q) => q.depth, cell: (q) => <span className="tabular-nums" data-queue-depth={q.name}>{fmt.number(q.depth)}</span> },
    { id: 'oldest', header: t('workers.queues.oldest'), align: 'end', sortValue: (q) => q.oldest_age_seconds ?? -1, cell: (q) => <span className="tabular-nums">{age(q.oldest_age_seconds)}</span> },
    { id: 'arrival', header: t('workers.queues.arrival'), align: 'end', cell: (q) => <span className="tabular-nums">{rate(q.arrival_per_second)}</span> },
    { id: 'processed', header: t('workers.queues.processed'), align: 'end', cell: (q) => <span className="tabular-nums">{rate(q.processed_per_second)}</span> },
    { id: 'consumers', header: t('workers.queues.consumers'), align: 'end', cell: (q) => <span className="tabular-nums">{t('workers.queues.consumersValue', { consumers: fmt.number(q.consumers), slots: fmt.number(q.slots) })}</span> },
    {
      id: 'recommended',
      header: t('workers.queues.recommended'),
      align: 'end',
      cell: (q) => <Badge tone={q.recommended_workers > q.consumers ? 'warning' : 'neutral'}>{fmt.number(q.recommended_workers)}</Badge>,
    },
  ];
  return <DataTable caption={t('workers.queues.caption')} columns={columns} rows={queues} rowKey={(q) => q.name} empty={<p className="p-4 text-sm text-fg-muted">{t('workers.queues.empty')}</p>} />;
}

function Traceback({ text }: { text: string }) {
  const { t } = useTranslation();
  if (!text) return null;
  return (
    <details className="mt-1">
      <summary className="cursor-pointer text-xs font-medium text-primary-text">{t('workers.failures.traceback')}</summary>
      <pre dir="ltr" tabIndex={0} className="mt-1 max-h-64 max-w-xl overflow-auto rounded-md bg-surface-muted p-2 font-mono text-xs whitespace-pre">
        {text}
      </pre>
    </details>
  );
}

function FailureLog() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { query, rows, pagination } = usePagedQuery({ queryKey: ['workers', 'failures'], filters: null, fetchPage: ({ cursor }) => fetchFailures({ cursor }) });
  const columns: Column<TaskFailureRead>[] = [
    { id: 'time', header: t('workers.failures.time'), cell: (f) => <span className="whitespace-nowrap">{fmt.dateTime(f.failed_at)}</span> },
    { id: 'task', header: t('workers.failures.task'), cell: (f) => <code dir="ltr" className="text-xs">{f.task_name}</code> },
    { id: 'worker', header: t('workers.failures.worker'), cell: (f) => <span className="text-xs">{f.worker_name ?? '—'}</span> },
    { id: 'attempt', header: t('workers.failures.attempt'), align: 'end', cell: (f) => <span className="tabular-nums">{f.attempt}</span> },
    { id: 'final', header: t('workers.failures.final'), cell: (f) => (f.final ? <Badge tone="danger">{t('workers.failures.finalYes')}</Badge> : <Badge>{t('workers.failures.finalNo')}</Badge>) },
    {
      id: 'error',
      header: t('workers.failures.error'),
      cell: (f) => (
        <div className="flex max-w-md flex-col">
          <code dir="ltr" className="text-xs font-semibold">
            {f.exception_type}
          </code>
          <span className="text-xs break-words text-fg-muted">{f.message}</span>
          {Object.keys(f.subject).length > 0 && (
            <code dir="ltr" className="text-xs text-fg-muted">
              {JSON.stringify(f.subject)}
            </code>
          )}
          <Traceback text={f.traceback} />
        </div>
      ),
    },
  ];
  return (
    <DataTable
      caption={t('workers.failures.caption')}
      columns={columns}
      rows={rows}
      rowKey={(f) => f.id}
      isLoading={query.isPending}
      error={query.error}
      onRetry={() => void query.refetch()}
      pagination={pagination}
      empty={<EmptyState title={t('workers.failures.empty')} description={t('workers.failures.emptyBody')} />}
    />
  );
}

function DeadLetters() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { toast } = useToast();
  const requeue = useRequeue();
  const [pending, setPending] = useState(true);
  const { query, rows, pagination } = usePagedQuery({ queryKey: ['workers', 'dead-letters'], filters: { pending }, fetchPage: fetchDeadLetters });
  const columns: Column<DeadLetterRead>[] = [
    { id: 'time', header: t('workers.deadLetters.time'), cell: (d) => <span className="whitespace-nowrap">{fmt.dateTime(d.failed_at)}</span> },
    {
      id: 'task',
      header: t('workers.deadLetters.task'),
      cell: (d) => (
        <div className="flex flex-col">
          <code dir="ltr" className="text-xs">
            {d.task_name}
          </code>
          <span className="text-xs text-fg-muted">{d.queue ? t('workers.deadLetters.onQueue', { queue: d.queue }) : ''}</span>
        </div>
      ),
    },
    { id: 'attempts', header: t('workers.deadLetters.attempts'), align: 'end', cell: (d) => <span className="tabular-nums">{d.attempts}</span> },
    {
      id: 'error',
      header: t('workers.deadLetters.error'),
      cell: (d) => (
        <div className="flex max-w-md flex-col">
          <code dir="ltr" className="text-xs font-semibold">
            {d.exception_type}
          </code>
          <span className="text-xs break-words text-fg-muted">{d.message}</span>
          <Traceback text={d.traceback} />
        </div>
      ),
    },
    {
      id: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      align: 'end',
      cell: (d) =>
        d.requeued_at ? (
          <Badge tone="success">{t('workers.deadLetters.requeuedAt', { time: fmt.dateTime(d.requeued_at) })}</Badge>
        ) : (
          <Button
            size="sm"
            variant="outline"
            loading={requeue.isPending && requeue.variables === d.id}
            aria-label={t('workers.deadLetters.requeueNamed', { task: d.task_name })}
            onClick={() =>
              requeue.mutate(d.id, {
                onSuccess: () => toast({ title: t('workers.deadLetters.requeued', { task: d.task_name }), variant: 'success' }),
                onError: (e) => toast({ title: isApiError(e) ? e.detail : t('errors.unknown'), variant: 'error' }),
              })
            }
          >
            <Undo2 aria-hidden className="size-3.5" />
            {t('workers.deadLetters.requeue')}
          </Button>
        ),
    },
  ];
  return (
    <DataTable
      caption={t('workers.deadLetters.caption')}
      columns={columns}
      rows={rows}
      rowKey={(d) => d.id}
      isLoading={query.isPending}
      error={query.error}
      onRetry={() => void query.refetch()}
      pagination={pagination}
      toolbar={<Checkbox label={t('workers.deadLetters.pendingOnly')} checked={pending} onCheckedChange={setPending} />}
      empty={<EmptyState title={t('workers.deadLetters.empty')} description={t('workers.deadLetters.emptyBody')} />}
    />
  );
}

export function WorkersPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { toast } = useToast();
  const status = useQuery(statusQuery);
  const phase = useLiveQuery({ queryKey: statusQueryKey, url: '/api/admin/workers/stream', query: { seconds: 300 }, event: 'status', parse: parseStatusEvent });
  const drain = useDrain();
  const [selected, setSelected] = useState<string | null>(null);
  const [draining, setDraining] = useState<WorkerRead | null>(null);
  const [resizing, setResizing] = useState<WorkerRead | null>(null);
  const workers = status.data?.workers;
  const shown = workers?.find((w) => w.id === selected) ?? workers?.[0];

  const columns: Column<WorkerRead>[] = [
    {
      id: 'name',
      header: t('workers.columns.worker'),
      sortValue: (w) => w.name,
      cell: (w) => (
        <div className="flex flex-col">
          <span className="flex items-center gap-2 font-medium">
            {/* The name opens the worker's charts below the table. */}
            <Button variant="link" className="font-medium" aria-pressed={shown?.id === w.id} aria-label={t('workers.showNamed', { name: w.name })} onClick={() => setSelected(w.id)}>
              <span dir="ltr">{w.name}</span>
            </Button>
            {w.embedded && <Badge>{t('workers.embedded')}</Badge>}
          </span>
          <span className="text-xs text-fg-muted">
            <span dir="ltr">{`${w.host} · ${w.pid} · ${w.version}`}</span>
            {w.queues.length > 0 && ` · ${w.queues.join(', ')}`}
          </span>
        </div>
      ),
    },
    {
      id: 'health',
      header: t('workers.columns.health'),
      sortValue: (w) => w.health,
      cell: (w) => (
        <div className="flex flex-col items-start gap-1" data-worker-health={w.health} data-worker-state={w.state}>
          <div className="flex flex-wrap gap-1">
            <Badge tone={healthTone[w.health]}>{t(`workers.health.${w.health}`)}</Badge>
            {w.state !== 'running' && <Badge tone={stateTone[w.state]}>{t(`workers.state.${w.state}`)}</Badge>}
          </div>
          <span className="text-xs whitespace-nowrap text-fg-muted">{t('workers.heartbeatAgo', { when: fmt.relative(w.last_heartbeat_at) })}</span>
        </div>
      ),
    },
    {
      id: 'capacity',
      header: t('workers.columns.capacity'),
      cell: (w) => (
        <div className="w-28">
          <ProgressBar label={t('workers.capacity')} value={w.in_flight} max={w.slots} valueText={t('workers.capacityValue', { inFlight: fmt.number(w.in_flight), slots: fmt.number(w.slots) })} />
        </div>
      ),
    },
    {
      id: 'processed',
      header: t('workers.columns.processed'),
      align: 'end',
      sortValue: (w) => w.processed,
      cell: (w) => (
        <div className="flex flex-col items-end tabular-nums">
          <span>{fmt.number(w.processed)}</span>
          <span className={w.failed ? 'text-xs text-danger-text' : 'text-xs text-fg-muted'}>{t('workers.failedCount', { count: w.failed })}</span>
        </div>
      ),
    },
    {
      id: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      align: 'end',
      cell: (w) => (
        <div className="flex justify-end gap-1">
          <Button variant="ghost" size="sm" disabled={w.state !== 'running'} onClick={() => setResizing(w)} aria-label={t('workers.resize.buttonNamed', { name: w.name })}>
            <Gauge aria-hidden className="size-3.5" />
            {t('workers.resize.button')}
          </Button>
          <Button variant="outline" size="sm" disabled={w.state !== 'running'} onClick={() => setDraining(w)} aria-label={t('workers.drain.buttonNamed', { name: w.name })}>
            <PauseCircle aria-hidden className="size-3.5" />
            {t('workers.drain.button')}
          </Button>
        </div>
      ),
    },
  ];

  return (
    <>
      <PageHeader title={t('workers.title')} description={t('workers.description')} actions={<LiveBadge phase={phase} />} />
      <div className="flex flex-col gap-8">
        <section aria-labelledby="workers-heading" className="flex flex-col gap-3">
          <h2 id="workers-heading" className="text-lg font-semibold">
            {t('workers.heading')}
          </h2>
          <DataTable
            caption={t('workers.caption')}
            columns={columns}
            rows={workers}
            rowKey={(w) => w.id}
            isLoading={status.isPending}
            error={status.error}
            onRetry={() => void status.refetch()}
            empty={<EmptyState icon={<Server aria-hidden className="size-5" />} title={t('workers.empty')} description={t('workers.emptyBody')} />}
          />
        </section>
        {shown && <WorkerDetailCard key={shown.id} worker={shown} />}
        <section aria-labelledby="queues-heading" className="flex flex-col gap-3">
          <h2 id="queues-heading" className="text-lg font-semibold">
            {t('workers.queues.heading')}
          </h2>
          <p className="text-sm text-fg-muted">{t('workers.queues.help')}</p>
          {status.data && <QueuesTable queues={status.data.queues} />}
        </section>
        <section aria-labelledby="failures-heading" className="flex flex-col gap-3">
          <h2 id="failures-heading" className="text-lg font-semibold">
            {t('workers.failures.heading')}
          </h2>
          <FailureLog />
        </section>
        <section aria-labelledby="dead-heading" className="flex flex-col gap-3">
          <h2 id="dead-heading" className="text-lg font-semibold">
            {t('workers.deadLetters.heading')}
          </h2>
          <p className="text-sm text-fg-muted">{t('workers.deadLetters.help')}</p>
          <DeadLetters />
        </section>
      </div>
      {resizing && <ResizeDialog worker={resizing} onClose={() => setResizing(null)} />}
      <ConfirmDialog
        open={draining !== null}
        onOpenChange={(open) => !open && setDraining(null)}
        title={t('workers.drain.title', { name: draining?.name ?? '' })}
        description={t('workers.drain.description')}
        confirmLabel={t('workers.drain.confirm')}
        pending={drain.isPending}
        onConfirm={() =>
          draining &&
          drain.mutate(draining.id, {
            onSuccess: (w) => {
              toast({ title: t('workers.drain.done', { name: w.name }), variant: 'success' });
              setDraining(null);
            },
            onError: (e) => toast({ title: isApiError(e) ? e.detail : t('errors.unknown'), variant: 'error' }),
          })
        }
      >
        {draining?.embedded && <Alert tone="warning">{t('workers.drain.embeddedWarning')}</Alert>}
      </ConfirmDialog>
    </>
  );
}
