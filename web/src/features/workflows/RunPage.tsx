import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { ArrowLeft, Ban, Check, FileOutput, Pause, Play, RotateCcw, X } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { EvaluationRead, RunDetail } from '@/client';
import { PageHeader } from '@/components/layout/PageHeader';
import { Alert, FormError } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button, buttonClasses } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/dialog';
import { TextAreaField } from '@/components/ui/input';
import { SkeletonBlock } from '@/components/ui/skeleton';
import { ErrorState } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { hasPermission, useMe } from '@/features/session/api';
import { useFormat } from '@/lib/format';
import { useLiveQuery, type LivePhase } from '@/lib/live';
import { useMoney } from '@/lib/money';
import { isApiError } from '@/lib/problem';
import { cn } from '@/lib/cn';
import { approvalMessage, graphLayers, nodeViews, parseRunEvent, shapeOf, waitingApprovals, type NodeView } from './definition';
import { FINISHED, runQuery, runQueryKey, useDecide, useRerun, useRunAction, workflowQuery } from './api';
import { Json, nodeTone, NodeStatusBadge, RunStatusBadge } from './shared';

function LiveBadge({ phase }: { phase: LivePhase }) {
  const { t } = useTranslation();
  const tone = phase === 'live' ? 'success' : phase === 'retrying' ? 'warning' : 'neutral';
  return (
    <span role="status" data-live={phase} className="inline-flex">
      <Badge tone={tone}>
        {phase === 'live' && <span aria-hidden className="size-2 animate-pulse rounded-full bg-success" />}
        {t(`workflows.live.${phase}`)}
      </Badge>
    </span>
  );
}

const stripe: Record<string, string> = {
  primary: 'border-s-primary',
  success: 'border-s-success',
  warning: 'border-s-warning',
  danger: 'border-s-danger',
  neutral: 'border-s-border-strong',
};

/** The graph as layers of node chips, left to right (right to left in Arabic). */
function GraphView({ layers, views }: { layers: string[][]; views: Map<string, NodeView> }) {
  const { t } = useTranslation();
  return (
    <ol aria-label={t('workflows.runPage.graph')} className="flex gap-3 overflow-x-auto pb-2">
      {layers.map((layer, i) => (
        <li key={i} className="flex min-w-40 flex-col gap-2">
          <span className="text-xs font-semibold tracking-wide text-fg-muted uppercase">{t('workflows.runPage.step', { number: i + 1 })}</span>
          <ul className="flex flex-col gap-2">
            {layer.map((id) => {
              const view = views.get(id);
              if (!view) return null;
              return (
                <li key={id}>
                  <a
                    href={`#node-${id}`}
                    data-node={id}
                    data-status={view.status}
                    className={cn('flex flex-col gap-1 rounded-md border border-s-4 border-border bg-surface px-3 py-2 text-fg no-underline shadow-sm hover:bg-surface-muted', stripe[nodeTone[view.status]])}
                  >
                    <code dir="ltr" className="text-sm font-semibold">
                      {id}
                    </code>
                    <span className="flex items-center justify-between gap-2 text-xs text-fg-muted">
                      <span dir="ltr">{view.type}</span>
                      <NodeStatusBadge status={view.status} />
                    </span>
                  </a>
                </li>
              );
            })}
          </ul>
        </li>
      ))}
    </ol>
  );
}

function Approval({ run, view, canRun }: { run: RunDetail; view: NodeView; canRun: boolean }) {
  const { t } = useTranslation();
  const { toast } = useToast();
  const decide = useDecide(run.id);
  const [comment, setComment] = useState('');
  const go = (approved: boolean) =>
    decide.mutate(
      { nodeId: view.id, approved, comment },
      { onSuccess: () => toast({ title: t(approved ? 'workflows.approval.approved' : 'workflows.approval.rejected', { node: view.id }), variant: 'success' }) },
    );
  return (
    <section aria-labelledby={`approval-${view.id}`} className="flex flex-col gap-3 rounded-xl border border-warning/50 bg-warning-soft p-5">
      <h2 id={`approval-${view.id}`} className="text-base font-semibold">
        {t('workflows.approval.title', { node: view.id })}
      </h2>
      {approvalMessage(view) && <p className="text-sm whitespace-pre-wrap">{approvalMessage(view)}</p>}
      <FormError error={decide.error} />
      {canRun ? (
        <>
          <TextAreaField label={t('workflows.approval.comment')} value={comment} onChange={(e) => setComment(e.target.value)} hint={t('workflows.approval.commentHint')} className="bg-surface" />
          <div className="flex flex-wrap gap-2">
            <Button onClick={() => go(true)} loading={decide.isPending && decide.variables?.approved === true} disabled={decide.isPending}>
              <Check aria-hidden className="size-4" />
              {t('workflows.approval.approve')}
            </Button>
            <Button variant="danger" onClick={() => go(false)} loading={decide.isPending && decide.variables?.approved === false} disabled={decide.isPending}>
              <X aria-hidden className="size-4" />
              {t('workflows.approval.reject')}
            </Button>
          </div>
        </>
      ) : (
        <p className="text-sm text-fg-muted">{t('workflows.approval.cannot')}</p>
      )}
    </section>
  );
}

function Verdicts({ evaluations }: { evaluations: EvaluationRead[] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <caption className="sr-only">{t('workflows.runPage.verdicts')}</caption>
        <thead>
          <tr className="border-b border-border text-xs text-fg-muted">
            {['gate', 'target', 'attempt', 'score', 'result', 'feedback'].map((c) => (
              <th key={c} scope="col" className={cn('py-2 pe-3 font-semibold', c === 'score' || c === 'attempt' ? 'text-end' : 'text-start')}>
                {t(`workflows.verdict.${c}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {evaluations.map((e, i) => (
            <tr key={i} className="border-b border-border last:border-b-0 align-top">
              <td className="py-2 pe-3">
                <code dir="ltr">{e.gate_node_id}</code>
              </td>
              <td className="py-2 pe-3">
                <code dir="ltr">{e.target_node_id}</code>
              </td>
              <td className="py-2 pe-3 text-end tabular-nums">{e.attempt}</td>
              <td className="py-2 pe-3 text-end tabular-nums">{fmt.number(e.score, { maximumFractionDigits: 2 })}</td>
              <td className="py-2 pe-3">
                <Badge tone={e.passed ? 'success' : 'danger'}>{e.passed ? t('workflows.verdict.passed') : t('workflows.verdict.failed')}</Badge>
              </td>
              <td className="py-2 pe-3 text-fg-muted">{e.feedback}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function NodeDetail({ view, evaluations, canRerun, onRerun }: { view: NodeView; evaluations: EvaluationRead[]; canRerun: boolean; onRerun: () => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const money = useMoney();
  const run = view.run;
  const mine = evaluations.filter((e) => e.gate_node_id === view.id);
  const facts: Array<[string, ReactNode]> = run
    ? [
        [t('workflows.node.attempts'), fmt.number(run.attempt)],
        [t('workflows.node.tokens'), `${money.tokens(run.charged_tokens)} (${money.tokens(run.prompt_tokens)} + ${money.tokens(run.completion_tokens)})`],
        [t('workflows.node.cost'), money.cost(run.cost_nanos)],
        [t('workflows.node.port'), run.port ? <code dir="ltr">{run.port}</code> : '—'],
        [t('workflows.node.worker'), run.worker ? <code dir="ltr">{run.worker}</code> : '—'],
        [t('workflows.node.started'), run.started_at ? fmt.dateTime(run.started_at) : '—'],
        [t('workflows.node.duration'), run.started_at && run.finished_at ? money.duration(new Date(run.finished_at).getTime() - new Date(run.started_at).getTime()) : '—'],
      ]
    : [];
  return (
    <li id={`node-${view.id}`} className="scroll-mt-20">
      <details className={cn('group rounded-xl border border-s-4 border-border bg-surface shadow-sm', stripe[nodeTone[view.status]])} data-node={view.id} data-status={view.status}>
        <summary className="flex cursor-pointer list-none flex-wrap items-center gap-x-3 gap-y-1 rounded-xl px-4 py-3 hover:bg-surface-muted">
          <code dir="ltr" className="text-sm font-semibold">
            {view.id}
          </code>
          <span dir="ltr" className="text-xs text-fg-muted">
            {view.type}
          </span>
          <NodeStatusBadge status={view.status} />
          {run && run.attempt > 1 && <Badge>{t('workflows.node.attemptN', { number: run.attempt })}</Badge>}
          <span className="ms-auto text-xs text-fg-muted tabular-nums">{run ? t('workflows.node.summary', { tokens: money.tokens(run.charged_tokens), cost: money.cost(run.cost_nanos) }) : ''}</span>
          <span className="text-xs font-medium text-primary-text group-open:hidden">{t('workflows.node.show')}</span>
          <span className="hidden text-xs font-medium text-primary-text group-open:inline">{t('workflows.node.hide')}</span>
        </summary>
        <div className="flex flex-col gap-4 border-t border-border px-4 py-4">
          {!run && view.items.length === 0 && <p className="text-sm text-fg-muted">{t('workflows.node.notStarted')}</p>}
          {run?.error_message && (
            <Alert tone="danger" title={t('workflows.node.error')}>
              <p>{run.error_message}</p>
              {run.error_code && (
                <p className="text-xs text-fg-muted">
                  <code dir="ltr">{run.error_code}</code>
                </p>
              )}
            </Alert>
          )}
          {facts.length > 0 && (
            <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1.5 text-sm">
              {facts.map(([label, value]) => (
                <div key={label} className="contents">
                  <dt className="font-medium text-fg-muted">{label}</dt>
                  <dd className="min-w-0 tabular-nums">{value}</dd>
                </div>
              ))}
            </dl>
          )}
          {run?.feedback && (
            <Alert tone="info" title={t('workflows.node.feedback')}>
              {run.feedback}
            </Alert>
          )}
          {run && (
            <div className="grid gap-4 xl:grid-cols-2">
              <div className="flex flex-col gap-1.5">
                <h3 className="text-sm font-semibold">{t('workflows.node.inputs')}</h3>
                {run.inputs === null || run.inputs === undefined ? <p className="text-sm text-fg-muted">{t('workflows.node.noInputs')}</p> : <Json value={run.inputs} label={t('workflows.node.inputsOf', { node: view.id })} />}
              </div>
              <div className="flex flex-col gap-1.5">
                <h3 className="text-sm font-semibold">{t('workflows.node.output')}</h3>
                {run.output === null || run.output === undefined ? <p className="text-sm text-fg-muted">{t('workflows.node.noOutput')}</p> : <Json value={run.output} label={t('workflows.node.outputOf', { node: view.id })} />}
              </div>
            </div>
          )}
          {view.items.length > 0 && (
            <div className="flex flex-col gap-1.5">
              <h3 className="text-sm font-semibold">{t('workflows.node.items', { count: view.items.length })}</h3>
              <ul className="flex flex-col gap-1 text-sm">
                {view.items.map((item) => (
                  <li key={item.id} className="flex flex-wrap items-center gap-2">
                    <span className="tabular-nums">#{item.item_index + 1}</span>
                    <NodeStatusBadge status={item.status} />
                    <span className="text-xs text-fg-muted tabular-nums">{t('workflows.node.summary', { tokens: money.tokens(item.charged_tokens), cost: money.cost(item.cost_nanos) })}</span>
                    {item.error_message && <span className="text-xs text-danger-text">{item.error_message}</span>}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {mine.length > 0 && <Verdicts evaluations={mine} />}
          {canRerun && (
            <div>
              <Button variant="outline" size="sm" onClick={onRerun} aria-label={t('workflows.node.rerunNamed', { node: view.id })}>
                <RotateCcw aria-hidden className="size-3.5" />
                {t('workflows.node.rerun')}
              </Button>
            </div>
          )}
        </div>
      </details>
    </li>
  );
}

export function RunPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const money = useMoney();
  const { toast } = useToast();
  const { runId = '' } = useParams({ strict: false });
  const me = useMe();
  const canRun = hasPermission(me.data, 'workflows:run');
  const canExport = hasPermission(me.data, 'files:write');
  const run = useQuery(runQuery(runId));
  const workflow = useQuery({ ...workflowQuery(run.data?.workflow_id ?? ''), enabled: Boolean(run.data?.workflow_id) });
  const finished = run.data ? FINISHED.has(run.data.status) : false;
  const phase = useLiveQuery<RunDetail>({
    queryKey: runQueryKey(runId),
    url: '/api/workflow-runs/{run_id}/events',
    path: { run_id: runId },
    event: 'run',
    parse: parseRunEvent,
    isFinal: (r) => FINISHED.has(r.status),
    enabled: Boolean(run.data) && !finished,
  });
  const action = useRunAction(runId);
  const rerun = useRerun(runId);
  const [cancelling, setCancelling] = useState(false);
  const [rerunning, setRerunning] = useState<string | null>(null);

  const back = (
    <Link to="/workflow-runs" className="mb-2 inline-flex items-center gap-1 text-sm">
      <ArrowLeft aria-hidden className="rtl-flip size-4" />
      {t('workflows.runs.back')}
    </Link>
  );
  if (run.isError)
    return (
      <>
        {back}
        <PageHeader title={t('workflows.runPage.title')} />
        <ErrorState error={run.error} onRetry={() => void run.refetch()} />
      </>
    );
  if (!run.data) return <SkeletonBlock label={t('common.loading')} lines={6} />;
  const r = run.data;
  const version = workflow.data?.versions.find((v) => v.id === r.version_id);
  const shape = shapeOf(version?.definition ?? { nodes: [...new Map(r.nodes.map((n) => [n.node_id, { id: n.node_id, type: n.node_type }])).values()], edges: [] });
  const views = nodeViews(shape, r.nodes);
  const byId = new Map(views.map((v) => [v.id, v]));
  const layers = graphLayers(shape);
  const waiting = waitingApprovals(views);
  const controlError = action.error ?? rerun.error;
  const onAction = (a: 'pause' | 'resume' | 'cancel') =>
    action.mutate(a, {
      onSuccess: () => {
        setCancelling(false);
        toast({ title: t(`workflows.controls.done.${a}`), variant: 'success' });
      },
    });

  const summary: Array<[string, ReactNode]> = [
    [t('workflows.runPage.workflow'), workflow.data ? <Link to="/workflows/$workflowId" params={{ workflowId: r.workflow_id }}>{workflow.data.name}</Link> : '…'],
    [t('workflows.runPage.version'), version ? t('workflows.versionNumber', { number: version.number }) : '…'],
    [t('workflows.runs.columns.trigger'), t(`workflows.triggerKinds.${r.trigger}`)],
    [t('workflows.runs.columns.started'), fmt.dateTime(r.created_at)],
    [t('workflows.runPage.finished'), r.finished_at ? fmt.dateTime(r.finished_at) : '—'],
    [t('workflows.runPage.tokens'), <span data-figure="tokens">{money.tokens(r.charged_tokens)}</span>],
    [t('workflows.runs.columns.cost'), money.cost(r.cost_nanos)],
    [t('workflows.runPage.budget'), r.budget_tokens ? money.tokens(r.budget_tokens) : t('workflows.runPage.noBudget')],
  ];

  return (
    <>
      {back}
      <PageHeader
        title={workflow.data ? t('workflows.runPage.titleOf', { name: workflow.data.name }) : t('workflows.runPage.title')}
        description={fmt.dateTime(r.created_at)}
        actions={
          <>
            <span data-testid="run-status" data-status={r.status}>
              <RunStatusBadge status={r.status} />
            </span>
            {!finished && <LiveBadge phase={phase} />}
            {canExport && r.status === 'succeeded' && (
              <Link to="/exports/new" search={{ run: r.id }} className={buttonClasses('outline')}>
                <FileOutput aria-hidden className="size-4" />
                {t('workflows.runPage.export')}
              </Link>
            )}
            {canRun && r.status === 'running' && (
              <Button variant="outline" onClick={() => onAction('pause')} loading={action.isPending && action.variables === 'pause'}>
                <Pause aria-hidden className="size-4" />
                {t('workflows.controls.pause')}
              </Button>
            )}
            {canRun && r.status === 'paused' && (
              <Button variant="outline" onClick={() => onAction('resume')} loading={action.isPending && action.variables === 'resume'}>
                <Play aria-hidden className="size-4" />
                {t('workflows.controls.resume')}
              </Button>
            )}
            {canRun && !finished && (
              <Button variant="ghost" onClick={() => setCancelling(true)}>
                <Ban aria-hidden className="size-4" />
                {t('workflows.controls.cancel')}
              </Button>
            )}
          </>
        }
      />
      <div className="flex flex-col gap-6">
        <FormError error={controlError} />
        {r.error_message && (
          <Alert tone="danger" title={t('workflows.runPage.error')}>
            <p>{r.error_message}</p>
            {r.error_code && (
              <p className="text-xs text-fg-muted">
                <code dir="ltr">{r.error_code}</code>
              </p>
            )}
          </Alert>
        )}
        {waiting.map((view) => (
          <Approval key={view.id} run={r} view={view} canRun={canRun} />
        ))}
        <Card labelledBy="run-graph">
          <CardHeader id="run-graph" title={t('workflows.runPage.graph')} description={t('workflows.runPage.graphHelp')} />
          <CardBody>
            <GraphView layers={layers} views={byId} />
          </CardBody>
        </Card>
        <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
          <Card labelledBy="run-summary">
            <CardHeader id="run-summary" title={t('workflows.runPage.summary')} />
            <CardBody className="flex flex-col gap-4">
              <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-2 text-sm">
                {summary.map(([label, value]) => (
                  <div key={label} className="contents">
                    <dt className="font-medium text-fg-muted">{label}</dt>
                    <dd className="min-w-0 break-words tabular-nums">{value}</dd>
                  </div>
                ))}
              </dl>
              <div className="flex flex-col gap-1.5">
                <h3 className="text-sm font-semibold">{t('workflows.runPage.inputs')}</h3>
                <Json value={r.inputs} label={t('workflows.runPage.inputs')} />
              </div>
              <div className="flex flex-col gap-1.5">
                <h3 className="text-sm font-semibold">{t('workflows.runPage.output')}</h3>
                {r.output === null || r.output === undefined ? <p className="text-sm text-fg-muted">{t('workflows.runPage.noOutput')}</p> : <Json value={r.output} label={t('workflows.runPage.output')} />}
              </div>
            </CardBody>
          </Card>
          <section aria-labelledby="run-nodes" className="flex flex-col gap-3">
            <h2 id="run-nodes" className="text-base font-semibold">
              {t('workflows.runPage.nodes')}
            </h2>
            <ol className="flex flex-col gap-2">
              {views.map((view) => (
                <NodeDetail key={view.id} view={view} evaluations={r.evaluations} canRerun={canRun && r.status !== 'running' && view.status !== 'not_started'} onRerun={() => setRerunning(view.id)} />
              ))}
            </ol>
          </section>
        </div>
        {r.evaluations.length > 0 && (
          <Card labelledBy="run-verdicts">
            <CardHeader id="run-verdicts" title={t('workflows.runPage.verdicts')} description={t('workflows.runPage.verdictsHelp')} />
            <CardBody>
              <Verdicts evaluations={r.evaluations} />
            </CardBody>
          </Card>
        )}
      </div>
      <ConfirmDialog open={cancelling} onOpenChange={setCancelling} title={t('workflows.controls.cancelTitle')} description={t('workflows.controls.cancelDescription')} confirmLabel={t('workflows.controls.cancel')} pending={action.isPending} onConfirm={() => onAction('cancel')} />
      <ConfirmDialog
        open={rerunning !== null}
        onOpenChange={(open) => !open && setRerunning(null)}
        danger={false}
        title={t('workflows.node.rerunTitle', { node: rerunning ?? '' })}
        description={t('workflows.node.rerunDescription')}
        confirmLabel={t('workflows.node.rerun')}
        pending={rerun.isPending}
        onConfirm={() =>
          rerunning &&
          rerun.mutate(rerunning, {
            onSuccess: () => {
              toast({ title: t('workflows.node.rerunDone', { node: rerunning }), variant: 'success' });
              setRerunning(null);
            },
            onError: (e) => {
              setRerunning(null);
              toast({ title: isApiError(e) ? e.detail : t('errors.unknown'), variant: 'error' });
            },
          })
        }
      />
    </>
  );
}
