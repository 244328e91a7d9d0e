import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { CircleStop, FlaskConical, Loader2, Play } from 'lucide-react';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EngineDetail } from '@/client';
import type { VersionRead } from './version-form';
import { PageHeader } from '@/components/layout/PageHeader';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button, buttonClasses } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { SelectField } from '@/components/ui/select';
import { SkeletonBlock } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { hasPermission, useMe } from '@/features/session/api';
import { walletQuery } from '@/features/wallet/api';
import { useMoney } from '@/lib/money';
import { ApiError, unplacedFieldErrors } from '@/lib/problem';
import { IDLE_RUN, postStream, runReducer, type RunAction, type RunState } from '@/lib/sse';
import { engineQuery, enginesQuery } from './api';
import { versionTone } from './shared';
import { fieldsFromSchema, initialValues, toInputs, type FormValues, type InputProblem } from './schema-form';
import { SchemaForm } from './SchemaForm';
import type { PlaygroundSearch } from './search';

/** The versions a person may try: every one for editors, the published one otherwise. */
function runnableVersions(engine: EngineDetail, canEdit: boolean): VersionRead[] {
  const versions = [...engine.versions].sort((a, b) => b.number - a.number);
  return canEdit ? versions : versions.filter((v) => v.status === 'published');
}

function RunResult({ state, onStop }: { state: RunState; onStop: () => void }) {
  const { t } = useTranslation();
  const money = useMoney();
  const streaming = state.phase === 'streaming';
  const done = state.done;
  return (
    <Card labelledBy="run-output-title">
      <CardHeader
        id="run-output-title"
        title={t('playground.output')}
        actions={
          <>
            {streaming && (
              <span className="inline-flex items-center gap-1.5 text-sm text-fg-muted">
                <Loader2 aria-hidden className="size-4 animate-spin" />
                {t('playground.streaming')}
              </span>
            )}
            {state.phase === 'done' && <Badge tone={done?.status === 'succeeded' ? 'success' : 'danger'}>{t(`executions.statuses.${done?.status ?? 'succeeded'}`, { defaultValue: done?.status })}</Badge>}
            {state.phase === 'stopped' && <Badge tone="warning">{t('playground.stopped')}</Badge>}
            {streaming && (
              <Button variant="outline" size="sm" onClick={onStop}>
                <CircleStop aria-hidden className="size-3.5" />
                {t('playground.stop')}
              </Button>
            )}
          </>
        }
      />
      <CardBody className="flex flex-col gap-4">
        <div
          role="log"
          aria-live="polite"
          aria-labelledby="run-output-title"
          data-phase={state.phase}
          data-chunks={state.chunks}
          className={state.phase === 'error' && !state.text ? 'hidden' : 'min-h-32 rounded-md border border-border bg-surface-muted px-3 py-2.5 text-sm leading-relaxed whitespace-pre-wrap'}
        >
          {state.text || (state.phase === 'idle' ? <span className="text-fg-muted">{t('playground.outputEmpty')}</span> : null)}
          {streaming && <span aria-hidden className="ms-0.5 inline-block h-4 w-1.5 animate-pulse bg-primary align-text-bottom" />}
        </div>
        {state.phase === 'error' && state.error && (
          <Alert tone="danger" title={t('playground.failed')}>
            <p>{state.error.detail}</p>
            {unplacedFieldErrors(state.error, []).length > 0 && (
              <ul className="mt-1 list-disc ps-5">
                {unplacedFieldErrors(state.error, []).map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            )}
            <p className="mt-1 text-xs text-fg-muted">
              {t('playground.errorCode')} <code dir="ltr">{state.error.code}</code>
            </p>
          </Alert>
        )}
        {done?.error_code && (
          <Alert tone="danger" title={t('playground.failed')}>
            {t('playground.failedCode')} <code dir="ltr">{done.error_code}</code>
          </Alert>
        )}
        {done && (
          <section aria-labelledby="run-totals" className="flex flex-col gap-2">
            <h3 id="run-totals" className="text-sm font-semibold">
              {t('playground.totals')}
            </h3>
            <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3">
              {(
                [
                  ['promptTokens', money.tokens(done.usage.prompt_tokens)],
                  ['completionTokens', money.tokens(done.usage.completion_tokens)],
                  ['charged', money.tokens(done.charged_tokens)],
                  ['cost', money.cost(done.cost_nanos)],
                  ['balance', done.balance === null ? '' : money.tokens(done.balance)],
                ] as const
              ).map(([key, value]) => (
                <div key={key} className="flex flex-col gap-0.5 rounded-md border border-border px-3 py-2">
                  <dt className="text-xs text-fg-muted">{t(`playground.figures.${key}`)}</dt>
                  <dd className="text-base font-semibold tabular-nums" data-figure={key}>
                    {value}
                  </dd>
                </div>
              ))}
            </dl>
            <Link to="/executions/$executionId" params={{ executionId: done.execution_id }} className="text-sm">
              {t('playground.viewExecution')}
            </Link>
          </section>
        )}
      </CardBody>
    </Card>
  );
}

export function PlaygroundPage() {
  const { t } = useTranslation();
  const money = useMoney();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const search = useSearch({ strict: false }) as PlaygroundSearch;
  const me = useMe();
  const canEdit = hasPermission(me.data, 'engines:write');
  const engines = useQuery(enginesQuery);
  const wallet = useQuery(walletQuery);
  const engineId = search.engine ?? engines.data?.items.find((e) => e.published_version || canEdit)?.id ?? '';
  const engine = useQuery({ ...engineQuery(engineId), enabled: Boolean(engineId) });
  const versions = useMemo(() => (engine.data ? runnableVersions(engine.data, canEdit) : []), [engine.data, canEdit]);
  const version = versions.find((v) => v.number === search.version) ?? versions.find((v) => v.status === 'published') ?? versions[0];
  const fields = useMemo(() => fieldsFromSchema(version?.input_schema), [version]);
  const [values, setValues] = useState<FormValues>({});
  const [problems, setProblems] = useState<Record<string, InputProblem>>({});
  const reducer = useCallback((state: RunState, action: RunAction) => runReducer(state, action), []);
  const [run, dispatch] = useReducer(reducer, IDLE_RUN);
  const abort = useRef<AbortController | null>(null);

  // A fresh form (defaults) for each version.
  useEffect(() => {
    setValues(initialValues(fields));
    setProblems({});
  }, [fields]);
  useEffect(() => () => abort.current?.abort(), []);

  const select = (next: PlaygroundSearch) => {
    abort.current?.abort();
    dispatch({ type: 'reset' });
    void navigate({ to: '/playground', search: next, replace: true });
  };

  const start = async () => {
    if (!engine.data || !version) return;
    const { inputs, problems: found } = toInputs(fields, values);
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    dispatch({ type: 'start' });
    try {
      await postStream({
        url: canEdit ? '/api/engines/{engine_id}/playground' : '/api/engines/{engine_id}/execute',
        path: { engine_id: engine.data.id },
        body: canEdit ? { inputs, stream: true, version: version.number } : { inputs, stream: true },
        signal: controller.signal,
        onEvent: (event) => dispatch({ type: 'event', event }),
      });
      dispatch({ type: 'end' });
    } catch (error) {
      if (error instanceof ApiError) dispatch({ type: 'fail', error });
      else dispatch({ type: 'end' });
    } finally {
      void queryClient.invalidateQueries({ queryKey: ['wallet'] });
      void queryClient.invalidateQueries({ queryKey: ['levels', 'mine'] });
      void queryClient.invalidateQueries({ queryKey: ['executions'] });
    }
  };

  const serverError = (name: string) => (run.error ? run.error.fieldErrors[`inputs.${name}`] : undefined);
  const streaming = run.phase === 'streaming';

  let body;
  if (engines.isError) body = <ErrorState error={engines.error} onRetry={() => void engines.refetch()} />;
  else if (engines.isPending) body = <SkeletonBlock label={t('common.loading')} lines={6} />;
  else if (!engineId)
    body = (
      <EmptyState
        icon={<FlaskConical aria-hidden className="size-5" />}
        title={t('playground.noEngines')}
        description={t('playground.noEnginesBody')}
        action={
          <Link to="/engines" className={buttonClasses('primary', 'sm', 'no-underline')}>
            {t('nav.engines')}
          </Link>
        }
      />
    );
  else
    body = (
      <div className="grid items-start gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title={t('playground.inputs')} description={t('playground.inputsHelp')} />
          <CardBody>
            <form
              noValidate
              className="flex flex-col gap-4"
              onSubmit={(event) => {
                event.preventDefault();
                if (!streaming) void start();
              }}
            >
              <div className="grid gap-4 sm:grid-cols-2">
                <SelectField
                  label={t('playground.engine')}
                  value={engineId}
                  onValueChange={(id) => select({ engine: id })}
                  options={(engines.data?.items ?? []).map((e) => ({ value: e.id, label: e.name }))}
                />
                <SelectField
                  label={t('playground.version')}
                  value={version ? String(version.number) : ''}
                  disabled={versions.length === 0}
                  onValueChange={(v) => select({ engine: engineId, version: Number(v) })}
                  placeholder={t('playground.noVersion')}
                  options={versions.map((v) => ({ value: String(v.number), label: `${t('engines.versionNumber', { number: v.number })} · ${t(`engines.statuses.${v.status}`)}` }))}
                  hint={canEdit ? t('playground.versionHintEditor') : t('playground.versionHintMember')}
                />
              </div>
              {engine.isError && <ErrorState error={engine.error} onRetry={() => void engine.refetch()} />}
              {version && (
                <>
                  <p className="flex flex-wrap items-center gap-2 text-xs text-fg-muted">
                    <Badge tone={versionTone[version.status]}>{t(`engines.statuses.${version.status}`)}</Badge>
                    {t('playground.model', { model: version.model })}
                  </p>
                  <SchemaForm fields={fields} values={values} onChange={setValues} problems={problems} serverErrors={serverError} disabled={streaming} />
                </>
              )}
              {engine.data && versions.length === 0 && <Alert tone="warning">{t('playground.nothingPublished')}</Alert>}
              <div className="flex flex-wrap items-center justify-between gap-3">
                <Button type="submit" disabled={!version} loading={streaming}>
                  <Play aria-hidden className="rtl-flip size-4" />
                  {t('playground.run')}
                </Button>
                {wallet.data && (
                  <p className="text-sm text-fg-muted" data-testid="wallet-available">
                    {t('playground.available', { tokens: money.tokens(wallet.data.available) })}
                  </p>
                )}
              </div>
            </form>
          </CardBody>
        </Card>
        <RunResult state={run} onStop={() => abort.current?.abort()} />
      </div>
    );

  return (
    <>
      <PageHeader title={t('playground.title')} description={t('playground.description')} />
      {body}
    </>
  );
}
