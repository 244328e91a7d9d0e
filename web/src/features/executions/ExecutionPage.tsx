import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { ArrowLeft } from 'lucide-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/layout/PageHeader';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { SkeletonBlock } from '@/components/ui/skeleton';
import { ErrorState } from '@/components/ui/states';
import { deploymentsQuery } from '@/features/deployments/api';
import { enginesQuery } from '@/features/engines/api';
import { hasPermission, useMe } from '@/features/session/api';
import { useFormat } from '@/lib/format';
import { useMoney } from '@/lib/money';
import { executionQuery } from './api';
import { statusTone } from './ExecutionsPage';

interface Attempt {
  deployment_id?: string | null;
  ok?: boolean;
  failure?: string | null;
  duration_ms?: number | null;
  error?: string | null;
}

function Json({ value }: { value: unknown }) {
  return (
    <pre dir="ltr" className="max-h-96 overflow-auto rounded-md bg-surface-muted p-3 font-mono text-xs whitespace-pre-wrap">
      {typeof value === 'string' ? value : JSON.stringify(value, null, 2)}
    </pre>
  );
}

/** The text of an output (`{"text": ...}`), or null for structured output. */
function outputText(output: unknown): string | null {
  if (typeof output === 'string') return output;
  if (output && typeof output === 'object' && 'text' in output && typeof (output as { text: unknown }).text === 'string' && Object.keys(output).length === 1) return (output as { text: string }).text;
  return null;
}

export function ExecutionPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const money = useMoney();
  const { executionId = '' } = useParams({ strict: false });
  const me = useMe();
  const execution = useQuery(executionQuery(executionId));
  const engines = useQuery(enginesQuery);
  const deployments = useQuery({ ...deploymentsQuery, enabled: hasPermission(me.data, 'providers:read') });

  const back = (
    <Link to="/executions" className="mb-2 inline-flex items-center gap-1 text-sm">
      <ArrowLeft aria-hidden className="rtl-flip size-4" />
      {t('executions.back')}
    </Link>
  );
  if (execution.isError)
    return (
      <>
        {back}
        <PageHeader title={t('executions.detail.title')} />
        <ErrorState error={execution.error} onRetry={() => void execution.refetch()} />
      </>
    );
  if (!execution.data) return <SkeletonBlock label={t('common.loading')} lines={6} />;
  const e = execution.data;
  const engine = engines.data?.items.find((x) => x.id === e.engine_id);
  const deployment = deployments.data?.items.find((d) => d.id === e.deployment_id);
  const text = outputText(e.output);
  const rows: Array<[string, ReactNode]> = [
    [t('executions.columns.time'), fmt.dateTime(e.created_at)],
    [t('executions.detail.finished'), e.finished_at ? fmt.dateTime(e.finished_at) : ''],
    [t('executions.columns.engine'), engine ? <Link to="/engines/$engineId" params={{ engineId: engine.id }}>{engine.name}</Link> : e.engine_id ? t('executions.archivedEngine') : t('executions.gateway')],
    [t('executions.detail.model'), <code dir="ltr">{e.model_slug}</code>],
    [t('executions.detail.deployment'), deployment ? deployment.name : e.deployment_id ? <code dir="ltr">{e.deployment_id}</code> : ''],
    [t('executions.columns.source'), t(`executions.sources.${e.source}`)],
    [t('executions.detail.streamed'), e.stream ? t('executions.detail.yes') : t('executions.detail.no')],
    [t('executions.detail.promptTokens'), money.tokens(e.prompt_tokens)],
    [t('executions.detail.completionTokens'), money.tokens(e.completion_tokens)],
    [t('executions.detail.cachedTokens'), money.tokens(e.cached_tokens)],
    [t('executions.detail.charged'), money.tokens(e.charged_tokens)],
    [t('executions.columns.cost'), money.cost(e.cost_nanos)],
    [t('executions.columns.latency'), money.duration(e.latency_ms)],
    [t('executions.detail.ttft'), money.duration(e.ttft_ms)],
    [t('executions.detail.id'), <code dir="ltr" className="text-xs">{e.id}</code>],
  ];

  return (
    <>
      {back}
      <PageHeader title={t('executions.detail.title')} description={fmt.dateTime(e.created_at)} actions={<Badge tone={statusTone[e.status]}>{t(`executions.statuses.${e.status}`)}</Badge>} />
      {(e.error_code || e.error_message) && (
        <Alert tone="danger" title={t('executions.detail.error')} className="mb-6">
          {e.error_message && <p>{e.error_message}</p>}
          {e.error_code && (
            <p className="text-xs text-fg-muted">
              {t('playground.errorCode')} <code dir="ltr">{e.error_code}</code>
            </p>
          )}
        </Alert>
      )}
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <Card labelledBy="exec-summary">
          <CardHeader id="exec-summary" title={t('executions.detail.summary')} />
          <CardBody>
            <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-2 text-sm">
              {rows
                .filter(([, value]) => value !== '' && value !== null)
                .map(([label, value]) => (
                  <div key={label} className="contents">
                    <dt className="font-medium text-fg-muted">{label}</dt>
                    <dd className="min-w-0 break-words tabular-nums">{value}</dd>
                  </div>
                ))}
            </dl>
          </CardBody>
        </Card>
        <div className="flex flex-col gap-6">
          <Card labelledBy="exec-inputs">
            <CardHeader id="exec-inputs" title={t('executions.detail.inputs')} />
            <CardBody>
              <Json value={e.inputs} />
            </CardBody>
          </Card>
          <Card labelledBy="exec-output">
            <CardHeader id="exec-output" title={t('executions.detail.output')} />
            <CardBody>{text !== null ? <p className="text-sm leading-relaxed whitespace-pre-wrap">{text}</p> : <Json value={e.output} />}</CardBody>
          </Card>
          <Card labelledBy="exec-attempts">
            <CardHeader id="exec-attempts" title={t('executions.detail.attempts')} description={t('executions.detail.attemptsHelp')} />
            <CardBody>
              {e.attempts.length === 0 ? (
                <p className="text-sm text-fg-muted">{t('executions.detail.noAttempts')}</p>
              ) : (
                <div className="overflow-x-auto">
                  <table className="w-full text-sm">
                    <caption className="sr-only">{t('executions.detail.attempts')}</caption>
                    <thead>
                      <tr className="border-b border-border text-xs text-fg-muted">
                        <th scope="col" className="py-2 pe-3 text-start font-semibold">
                          {t('executions.attempt.number')}
                        </th>
                        <th scope="col" className="py-2 pe-3 text-start font-semibold">
                          {t('executions.detail.deployment')}
                        </th>
                        <th scope="col" className="py-2 pe-3 text-start font-semibold">
                          {t('executions.attempt.result')}
                        </th>
                        <th scope="col" className="py-2 pe-3 text-end font-semibold">
                          {t('executions.attempt.duration')}
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {(e.attempts as Attempt[]).map((attempt, index) => (
                        <tr key={index} className="border-b border-border last:border-b-0">
                          <td className="py-2 pe-3 tabular-nums">{index + 1}</td>
                          <td className="py-2 pe-3">{deployments.data?.items.find((d) => d.id === attempt.deployment_id)?.name ?? <code dir="ltr" className="text-xs">{String(attempt.deployment_id ?? '').slice(0, 8)}</code>}</td>
                          <td className="py-2 pe-3">
                            <div className="flex flex-col items-start gap-0.5">
                              <Badge tone={attempt.ok ? 'success' : 'danger'}>{attempt.ok ? t('executions.attempt.ok') : t(`providers.failure.${attempt.failure ?? 'unknown'}`, { defaultValue: attempt.failure ?? '' })}</Badge>
                              {attempt.error && <span className="text-xs text-fg-muted">{attempt.error}</span>}
                            </div>
                          </td>
                          <td className="py-2 pe-3 text-end tabular-nums">{money.duration(attempt.duration_ms)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </CardBody>
          </Card>
        </div>
      </div>
    </>
  );
}
