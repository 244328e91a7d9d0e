import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { Activity, ArrowRight, Coins, DollarSign, Gauge, History, KeyRound, ScrollText, Users } from 'lucide-react';
import { useMemo, type ComponentType, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/layout/PageHeader';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Chart } from '@/components/ui/chart';
import { Skeleton } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { fetchApiKeys } from '@/features/api-keys/api';
import { fetchAuditEvents, EMPTY_AUDIT_FILTERS } from '@/features/audit/api';
import { EMPTY_EXECUTION_FILTERS, fetchExecutions, periodStart } from '@/features/executions/api';
import { fetchMembers } from '@/features/members/api';
import { currentTenantQuery, hasPermission, useMe } from '@/features/session/api';
import { walletQuery } from '@/features/wallet/api';
import { formatDate, useFormat } from '@/lib/format';
import { useMoney } from '@/lib/money';

function Stat({ label, value, icon: Icon, loading, to, note }: { label: string; value: ReactNode; icon: ComponentType<{ className?: string }>; loading: boolean; to: '/members' | '/api-keys' | '/audit' | '/executions' | '/wallet'; note?: ReactNode }) {
  return (
    <Link to={to} className="group block rounded-xl border border-border bg-surface p-5 text-fg no-underline shadow-sm transition-colors hover:border-primary">
      <div className="flex items-center justify-between">
        <span className="text-sm font-medium text-fg-muted">{label}</span>
        <Icon aria-hidden className="size-4 text-primary-text" />
      </div>
      <div className="mt-3 text-2xl font-semibold tabular-nums">{loading ? <Skeleton className="h-8 w-16" /> : value}</div>
      {note && <div className="mt-1 text-xs text-fg-muted">{note}</div>}
    </Link>
  );
}

// Up to this many executions are summed for the usage cards (one page).
const USAGE_PAGE = 200;

/** Executions, tokens and spend today and over the last 7 days (from the newest page of executions). */
function UsageCards({ showWallet }: { showWallet: boolean }) {
  const { t } = useTranslation();
  const money = useMoney();
  const today = useQuery({ queryKey: ['executions', 'dashboard', 'today'], queryFn: () => fetchExecutions({ cursor: null, filters: EMPTY_EXECUTION_FILTERS, limit: USAGE_PAGE, since: periodStart('today') }) });
  const week = useQuery({ queryKey: ['executions', 'dashboard', 'week'], queryFn: () => fetchExecutions({ cursor: null, filters: EMPTY_EXECUTION_FILTERS, limit: USAGE_PAGE, since: periodStart('7d') }) });
  const wallet = useQuery({ ...walletQuery, enabled: showWallet });
  const sum = (items: { charged_tokens: number; cost_nanos: number }[] | undefined) => ({
    tokens: (items ?? []).reduce((a, e) => a + e.charged_tokens, 0),
    cost: (items ?? []).reduce((a, e) => a + e.cost_nanos, 0),
  });
  const day = sum(today.data?.items);
  const seven = sum(week.data?.items);
  const more = (page: { next_cursor?: string | null } | undefined) => (page?.next_cursor ? '+' : '');
  return (
    <section aria-labelledby="usage-title" className="mb-6">
      <h2 id="usage-title" className="mb-3 text-lg font-semibold">
        {t('dashboard.usage.title')}
      </h2>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat
          label={t('dashboard.usage.executionsToday')}
          icon={History}
          to="/executions"
          loading={today.isPending}
          value={`${money.tokens(today.data?.items.length ?? 0)}${more(today.data)}`}
          note={t('dashboard.usage.executionsWeek', { executions: `${money.tokens(week.data?.items.length ?? 0)}${more(week.data)}` })}
        />
        <Stat
          label={t('dashboard.usage.tokensWeek')}
          icon={Gauge}
          to="/executions"
          loading={week.isPending}
          value={`${money.tokens(seven.tokens, true)}${more(week.data)}`}
          note={t('dashboard.usage.tokensToday', { tokens: `${money.tokens(day.tokens)}${more(today.data)}` })}
        />
        <Stat label={t('dashboard.usage.spendWeek')} icon={DollarSign} to="/executions" loading={week.isPending} value={`${money.cost(seven.cost)}${more(week.data)}`} note={t('dashboard.usage.spendToday', { cost: money.cost(day.cost) })} />
        {showWallet && (
          <Stat
            label={t('dashboard.usage.balance')}
            icon={Coins}
            to="/wallet"
            loading={wallet.isPending}
            value={money.tokens(wallet.data?.available ?? 0)}
            note={wallet.data?.held ? t('dashboard.usage.held', { tokens: money.tokens(wallet.data.held) }) : t('dashboard.usage.tokensUnit')}
          />
        )}
      </div>
    </section>
  );
}

/** "12" or "25+" when there are more pages than the first. */
function countLabel(page: { items: unknown[]; next_cursor?: string | null } | undefined, format: (n: number) => string): string {
  if (!page) return '';
  return page.next_cursor ? `${format(page.items.length)}+` : format(page.items.length);
}

export function DashboardPage() {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const me = useMe();
  const tenant = useQuery(currentTenantQuery);
  const canAudit = hasPermission(me.data, 'audit:read');
  const members = useQuery({ queryKey: ['members', 'dashboard'], queryFn: () => fetchMembers({ cursor: null }), enabled: hasPermission(me.data, 'members:read') });
  const keys = useQuery({ queryKey: ['api-keys', 'dashboard'], queryFn: () => fetchApiKeys({ cursor: null }) });
  const events = useQuery({
    queryKey: ['audit-events', 'dashboard'],
    queryFn: () => fetchAuditEvents({ cursor: null, filters: EMPTY_AUDIT_FILTERS, limit: 200 }),
    enabled: canAudit,
  });

  // Events per day over the last two weeks, from the latest page of the audit log.
  const activity = useMemo(() => {
    const days: string[] = [];
    const counts: number[] = [];
    const index = new Map<string, number>();
    const today = new Date();
    for (let i = 13; i >= 0; i -= 1) {
      const day = new Date(today.getFullYear(), today.getMonth(), today.getDate() - i);
      index.set(day.toDateString(), days.length);
      days.push(formatDate(day, i18n.language, { month: 'short', day: 'numeric' }));
      counts.push(0);
    }
    for (const event of events.data?.items ?? []) {
      const slot = index.get(new Date(event.created_at).toDateString());
      if (slot !== undefined) counts[slot] = (counts[slot] ?? 0) + 1;
    }
    return { days, counts, total: counts.reduce((a, b) => a + b, 0) };
  }, [events.data, i18n.language]);

  const name = me.data?.user.name || me.data?.user.email || '';
  return (
    <>
      <PageHeader title={t('dashboard.title')} description={t('dashboard.welcome', { name, tenant: tenant.data?.name ?? '' })} />
      {hasPermission(me.data, 'engines:read') && <UsageCards showWallet={hasPermission(me.data, 'wallet:read')} />}
      <div className="grid gap-4 sm:grid-cols-3">
        <Stat label={t('dashboard.members')} icon={Users} to="/members" loading={members.isPending && members.fetchStatus !== 'idle'} value={countLabel(members.data, fmt.number)} />
        <Stat label={t('dashboard.apiKeys')} icon={KeyRound} to="/api-keys" loading={keys.isPending} value={countLabel(keys.data, fmt.number)} />
        <Stat label={t('dashboard.events')} icon={ScrollText} to="/audit" loading={events.isPending && canAudit} value={canAudit ? countLabel(events.data, fmt.number) : ''} />
      </div>
      {canAudit && (
        <Card className="mt-6">
          <CardHeader title={t('dashboard.activityTitle')} description={t('dashboard.activityDescription')} />
          <CardBody>
            {events.isError ? (
              <ErrorState error={events.error} onRetry={() => void events.refetch()} />
            ) : events.isPending ? (
              <Skeleton className="h-64 w-full" />
            ) : activity.total === 0 ? (
              <EmptyState icon={<Activity aria-hidden className="size-5" />} title={t('dashboard.noActivity')} />
            ) : (
              <Chart type="bar" label={t('dashboard.activityTitle')} categories={activity.days} series={[{ name: t('dashboard.events'), data: activity.counts }]} />
            )}
          </CardBody>
        </Card>
      )}
      <Card className="mt-6">
        <CardHeader title={t('dashboard.nextStepsTitle')} />
        <CardBody>
          <ul className="grid gap-3 sm:grid-cols-3">
            {(
              [
                { to: '/members', label: t('dashboard.next.invite') },
                { to: '/api-keys', label: t('dashboard.next.apiKey') },
                { to: '/settings', label: t('dashboard.next.brand') },
              ] as const
            ).map((item) => (
              <li key={item.to}>
                <Link to={item.to} className="flex items-center justify-between rounded-lg border border-border px-4 py-3 font-medium no-underline hover:border-primary">
                  {item.label}
                  <ArrowRight aria-hidden className="rtl-flip size-4" />
                </Link>
              </li>
            ))}
          </ul>
        </CardBody>
      </Card>
    </>
  );
}
