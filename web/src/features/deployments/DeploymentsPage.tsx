import { useQuery } from '@tanstack/react-query';
import { Activity, Network, Pencil, Plus, Trash2 } from 'lucide-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeploymentRead, Strategy } from '@/client';
import { PageHeader } from '@/components/layout/PageHeader';
import { FormError } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Chart } from '@/components/ui/chart';
import { Checkbox } from '@/components/ui/checkbox';
import { DataTable, type Column } from '@/components/ui/data-table';
import { ConfirmDialog, Dialog, DialogClose, DialogContent } from '@/components/ui/dialog';
import { TextField } from '@/components/ui/input';
import { RadioGroup } from '@/components/ui/radio-group';
import { SelectField } from '@/components/ui/select';
import { Skeleton } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { modelsQuery } from '@/features/models/api';
import { providersQuery } from '@/features/providers/api';
import { hasPermission, useMe } from '@/features/session/api';
import { formatDate, formatNumber } from '@/lib/format';
import { microToDollarsInput, parseDollarsToMicro, useMoney } from '@/lib/money';
import { fieldError, isApiError, unplacedFieldErrors } from '@/lib/problem';
import { deploymentsQuery, METRICS_REFRESH_MS, routingQuery, STRATEGIES, useCreateDeployment, useDeleteDeployment, useDeploymentMetrics, useSetRouting, useUpdateDeployment } from './api';

const DEFAULT = 'default';

function RoutingCard({ canManage }: { canManage: boolean }) {
  const { t } = useTranslation();
  const { toast } = useToast();
  const routing = useQuery(routingQuery);
  const save = useSetRouting();
  const [choice, setChoice] = useState<string | null>(null);
  const current = routing.data ? (routing.data.configured ? routing.data.strategy : DEFAULT) : DEFAULT;
  const value = choice ?? current;
  return (
    <Card className="mb-6">
      <CardHeader
        title={t('deployments.routing.title')}
        description={
          routing.data ? t('deployments.routing.inEffect', { strategy: t(`deployments.strategies.${routing.data.strategy}.name`) }) : t('deployments.routing.description')
        }
      />
      <CardBody>
        {routing.isError ? (
          <ErrorState error={routing.error} onRetry={() => void routing.refetch()} />
        ) : routing.isPending ? (
          <Skeleton className="h-40 w-full" />
        ) : (
          <form
            className="flex flex-col gap-4"
            onSubmit={(event) => {
              event.preventDefault();
              save.mutate(value === DEFAULT ? null : (value as Strategy), {
                onSuccess: () => {
                  setChoice(null);
                  toast({ title: t('deployments.routing.saved'), variant: 'success' });
                },
              });
            }}
          >
            <FormError error={save.error} />
            <RadioGroup
              legend={t('deployments.routing.legend')}
              value={value}
              onValueChange={setChoice}
              disabled={!canManage}
              className="grid gap-2 sm:grid-cols-2"
              options={[
                { value: DEFAULT, label: t('deployments.routing.platformDefault'), description: t('deployments.routing.platformDefaultHint') },
                ...STRATEGIES.map((s) => ({ value: s, label: t(`deployments.strategies.${s}.name`), description: t(`deployments.strategies.${s}.help`) })),
              ]}
            />
            {canManage && (
              <div>
                <Button type="submit" disabled={value === current} loading={save.isPending}>
                  {t('deployments.routing.save')}
                </Button>
              </div>
            )}
          </form>
        )}
      </CardBody>
    </Card>
  );
}

function DeploymentDialog({ deployment, onClose }: { deployment: DeploymentRead | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { toast } = useToast();
  const models = useQuery(modelsQuery);
  const providers = useQuery(providersQuery);
  const create = useCreateDeployment();
  const update = useUpdateDeployment();
  const mutation = deployment ? update : create;
  const [form, setForm] = useState({
    name: deployment?.name ?? '',
    model: deployment?.model_slug ?? '',
    providerId: deployment?.provider_id ?? '',
    upstream: deployment?.upstream_model ?? '',
    weight: String(deployment?.weight ?? 1),
    priority: String(deployment?.priority ?? 0),
    enabled: deployment?.enabled ?? true,
    cost: microToDollarsInput(deployment?.cost_per_mtok),
  });
  const [costError, setCostError] = useState<string | undefined>();
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));

  const submit = () => {
    const cost = form.cost.trim() ? parseDollarsToMicro(form.cost) : null;
    if (form.cost.trim() && cost === null) {
      setCostError(t('models.price.invalidPrice'));
      return;
    }
    setCostError(undefined);
    const body = {
      model: form.model,
      provider_id: form.providerId,
      name: form.name.trim() || null,
      upstream_model: form.upstream.trim() || null,
      weight: Number(form.weight),
      priority: Number(form.priority),
      enabled: form.enabled,
      cost_per_mtok: cost,
    };
    const done = () => {
      toast({ title: deployment ? t('deployments.saved') : t('deployments.created'), variant: 'success' });
      onClose();
    };
    if (deployment) update.mutate({ id: deployment.id, body }, { onSuccess: done });
    else create.mutate(body, { onSuccess: done });
  };

  const shown = ['model', 'provider_id', 'name', 'upstream_model', 'weight', 'priority', 'enabled', 'cost_per_mtok'];
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent title={deployment ? t('deployments.form.editTitle', { name: deployment.name }) : t('deployments.form.addTitle')} description={t('deployments.form.description')} className="max-w-xl">
        <form
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <FormError error={mutation.error} extra={unplacedFieldErrors(mutation.error, shown)} />
          <SelectField
            label={t('deployments.form.model')}
            value={form.model}
            onValueChange={(model) => set({ model })}
            placeholder={t('deployments.form.choose')}
            options={(models.data?.items ?? []).map((m) => ({ value: m.slug, label: `${m.name} (${m.slug})` }))}
            error={fieldError(mutation.error, 'model')}
          />
          <SelectField
            label={t('deployments.form.provider')}
            value={form.providerId}
            onValueChange={(providerId) => set({ providerId })}
            placeholder={t('deployments.form.choose')}
            options={(providers.data?.items ?? []).map((p) => ({ value: p.id, label: p.shared ? t('deployments.form.sharedProvider', { name: p.name }) : p.name }))}
            error={fieldError(mutation.error, 'provider_id')}
          />
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField label={t('deployments.form.name')} value={form.name} onChange={(e) => set({ name: e.target.value })} hint={t('deployments.form.nameHint')} error={fieldError(mutation.error, 'name')} />
            <TextField label={t('deployments.form.upstream')} dir="ltr" value={form.upstream} onChange={(e) => set({ upstream: e.target.value })} hint={t('deployments.form.upstreamHint')} error={fieldError(mutation.error, 'upstream_model')} />
            <TextField label={t('deployments.form.weight')} type="number" min={1} max={1000} value={form.weight} onChange={(e) => set({ weight: e.target.value })} hint={t('deployments.form.weightHint')} error={fieldError(mutation.error, 'weight')} />
            <TextField label={t('deployments.form.priority')} type="number" min={0} max={1000} value={form.priority} onChange={(e) => set({ priority: e.target.value })} hint={t('deployments.form.priorityHint')} error={fieldError(mutation.error, 'priority')} />
            <TextField label={t('deployments.form.cost')} inputMode="decimal" dir="ltr" value={form.cost} onChange={(e) => set({ cost: e.target.value })} hint={t('deployments.form.costHint')} error={costError ?? fieldError(mutation.error, 'cost_per_mtok')} />
          </div>
          <Checkbox checked={form.enabled} onCheckedChange={(enabled) => set({ enabled })} label={t('deployments.form.enabled')} description={t('deployments.form.enabledHint')} />
          <div className="flex justify-end gap-2">
            <DialogClose asChild>
              <Button variant="outline">{t('common.cancel')}</Button>
            </DialogClose>
            <Button type="submit" loading={mutation.isPending}>
              {deployment ? t('common.save') : t('deployments.form.add')}
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div className="flex flex-col gap-0.5">
      <dt className="text-xs text-fg-muted">{label}</dt>
      <dd className="text-sm font-semibold tabular-nums">{value}</dd>
    </div>
  );
}

/** One deployment's routing figures over the last hour, with latency per minute. */
function MetricsCard({ deployment }: { deployment: DeploymentRead }) {
  const { t, i18n } = useTranslation();
  const money = useMoney();
  const metrics = useDeploymentMetrics(deployment.id);
  const dash = t('deployments.metrics.none');
  const total = metrics.data?.total;
  const minutes = metrics.data ? Math.max(1, (Date.now() - new Date(metrics.data.since).getTime()) / 60_000) : 60;
  const chart = useMemo(() => {
    const points = metrics.data?.points ?? [];
    return {
      categories: points.map((p) => formatDate(p.bucket_start, i18n.language, { hour: '2-digit', minute: '2-digit' })),
      series: [
        { name: t('deployments.metrics.p50'), data: points.map((p) => Math.round(p.p50_latency_ms ?? 0)) },
        { name: t('deployments.metrics.p95'), data: points.map((p) => Math.round(p.p95_latency_ms ?? 0)) },
      ],
    };
  }, [metrics.data, i18n.language, t]);
  const titleId = `metrics-${deployment.id}`;
  return (
    <Card labelledBy={titleId}>
      <CardHeader
        id={titleId}
        title={deployment.name}
        description={t('deployments.metrics.subtitle', { model: deployment.model_slug })}
        actions={!deployment.enabled && <Badge tone="warning">{t('deployments.disabled')}</Badge>}
      />
      <CardBody className="flex flex-col gap-4">
        {metrics.isError ? (
          <ErrorState error={metrics.error} onRetry={() => void metrics.refetch()} />
        ) : !total ? (
          <Skeleton className="h-40 w-full" />
        ) : (
          <>
            <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3">
              <Figure label={t('deployments.metrics.p50')} value={total.p50_latency_ms === null ? dash : money.duration(total.p50_latency_ms)} />
              <Figure label={t('deployments.metrics.p95')} value={total.p95_latency_ms === null ? dash : money.duration(total.p95_latency_ms)} />
              <Figure label={t('deployments.metrics.ttft')} value={total.p50_ttft_ms === null ? dash : money.duration(total.p50_ttft_ms)} />
              <Figure label={t('deployments.metrics.errorRate')} value={total.requests ? money.percent(total.error_rate) : dash} />
              <Figure label={t('deployments.metrics.throughput')} value={t('deployments.metrics.perMinute', { value: formatNumber(total.requests / minutes, i18n.language, { maximumFractionDigits: 2 }) })} />
              <Figure label={t('deployments.metrics.cost')} value={money.cost(total.cost_nanos)} />
            </dl>
            <p className="text-xs text-fg-muted">{t('deployments.metrics.requests', { requests: money.tokens(total.requests), errors: money.tokens(total.errors) })}</p>
            {chart.categories.length === 0 ? (
              <p className="rounded-md border border-dashed border-border-strong px-3 py-6 text-center text-sm text-fg-muted">{t('deployments.metrics.noTraffic')}</p>
            ) : (
              <Chart type="line" height={160} label={t('deployments.metrics.chartLabel', { name: deployment.name })} categories={chart.categories} series={chart.series} />
            )}
          </>
        )}
      </CardBody>
    </Card>
  );
}

export function DeploymentsPage() {
  const { t } = useTranslation();
  const { toast } = useToast();
  const money = useMoney();
  const me = useMe();
  const canManage = hasPermission(me.data, 'providers:manage');
  const deployments = useQuery(deploymentsQuery);
  const providers = useQuery(providersQuery);
  const remove = useDeleteDeployment();
  const [editing, setEditing] = useState<DeploymentRead | 'new' | null>(null);
  const [deleting, setDeleting] = useState<DeploymentRead | null>(null);
  const providerName = (id: string) => providers.data?.items.find((p) => p.id === id)?.name ?? id.slice(0, 8);

  const columns: Column<DeploymentRead>[] = [
    {
      id: 'name',
      header: t('deployments.columns.name'),
      sortValue: (d) => d.name,
      cell: (d) => (
        <span className="flex flex-wrap items-center gap-2 font-medium">
          {d.name}
          {d.shared && <Badge tone="primary">{t('providers.shared')}</Badge>}
        </span>
      ),
    },
    {
      id: 'model',
      header: t('deployments.columns.model'),
      sortValue: (d) => d.model_slug,
      cell: (d) => (
        <code dir="ltr" className="text-xs">
          {d.model_slug}
        </code>
      ),
    },
    { id: 'provider', header: t('deployments.columns.provider'), sortValue: (d) => providerName(d.provider_id), cell: (d) => providerName(d.provider_id) },
    { id: 'weight', header: t('deployments.columns.weight'), align: 'end', sortValue: (d) => d.weight, cell: (d) => <span className="tabular-nums">{money.tokens(d.weight)}</span> },
    { id: 'priority', header: t('deployments.columns.priority'), align: 'end', sortValue: (d) => d.priority, cell: (d) => <span className="tabular-nums">{money.tokens(d.priority)}</span> },
    {
      id: 'enabled',
      header: t('deployments.columns.status'),
      sortValue: (d) => (d.enabled ? 1 : 0),
      cell: (d) => <Badge tone={d.enabled ? 'success' : 'warning'}>{d.enabled ? t('deployments.enabled') : t('deployments.disabled')}</Badge>,
    },
    {
      id: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      align: 'end',
      cell: (d) =>
        canManage && !d.shared ? (
          <div className="flex justify-end gap-1">
            <Button variant="ghost" size="sm" onClick={() => setEditing(d)} aria-label={t('deployments.editNamed', { name: d.name })}>
              <Pencil aria-hidden className="size-3.5" />
              {t('providers.edit')}
            </Button>
            <Button variant="ghost" size="sm" onClick={() => setDeleting(d)} aria-label={t('deployments.deleteNamed', { name: d.name })}>
              <Trash2 aria-hidden className="size-3.5" />
              {t('common.delete')}
            </Button>
          </div>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader
        title={t('deployments.title')}
        description={t('deployments.description')}
        actions={
          canManage && (
            <Button onClick={() => setEditing('new')}>
              <Plus aria-hidden className="size-4" />
              {t('deployments.add')}
            </Button>
          )
        }
      />
      <RoutingCard canManage={canManage} />
      <DataTable
        caption={t('deployments.tableCaption')}
        columns={columns}
        rows={deployments.data?.items}
        rowKey={(d) => d.id}
        isLoading={deployments.isPending}
        error={deployments.error}
        onRetry={() => void deployments.refetch()}
        empty={
          <EmptyState
            icon={<Network aria-hidden className="size-5" />}
            title={t('deployments.empty')}
            description={t('deployments.emptyBody')}
            action={
              canManage && (
                <Button size="sm" onClick={() => setEditing('new')}>
                  {t('deployments.add')}
                </Button>
              )
            }
          />
        }
      />
      {(deployments.data?.items.length ?? 0) > 0 && (
        <section aria-labelledby="live-metrics" className="mt-8">
          <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
            <h2 id="live-metrics" className="flex items-center gap-2 text-lg font-semibold">
              <Activity aria-hidden className="size-4 text-primary-text" />
              {t('deployments.metrics.title')}
            </h2>
            <p className="text-xs text-fg-muted">{t('deployments.metrics.refresh', { seconds: METRICS_REFRESH_MS / 1000 })}</p>
          </div>
          <div className="grid gap-4 lg:grid-cols-2">
            {deployments.data?.items.map((d) => <MetricsCard key={d.id} deployment={d} />)}
          </div>
        </section>
      )}
      {editing && <DeploymentDialog deployment={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title={t('deployments.deleteTitle', { name: deleting?.name })}
        description={t('deployments.deleteDescription')}
        confirmLabel={t('common.delete')}
        pending={remove.isPending}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              toast({ title: t('deployments.deleted', { name: deleting.name }), variant: 'success' });
              setDeleting(null);
            },
            onError: (e) => toast({ title: isApiError(e) ? e.detail : t('errors.unknown'), variant: 'error' }),
          })
        }
      />
    </>
  );
}
