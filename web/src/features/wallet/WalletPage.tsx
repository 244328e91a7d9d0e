import { useQuery } from '@tanstack/react-query';
import { ArrowRightLeft, CirclePlus, Coins } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { listMembersApiMembersGet, type StatementLine, type WalletRead } from '@/client';
import { PageHeader } from '@/components/layout/PageHeader';
import { FormError } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { DataTable, type Column } from '@/components/ui/data-table';
import { Dialog, DialogClose, DialogContent } from '@/components/ui/dialog';
import { TextField } from '@/components/ui/input';
import { SelectField } from '@/components/ui/select';
import { Skeleton } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { useToast } from '@/components/ui/toast';
import { usePagedQuery } from '@/components/ui/use-cursor-pagination';
import { hasPermission, useMe } from '@/features/session/api';
import { unwrap } from '@/lib/api';
import { cn } from '@/lib/cn';
import { useFormat } from '@/lib/format';
import { useMoney } from '@/lib/money';
import { fieldError, unplacedFieldErrors } from '@/lib/problem';
import { fetchStatement, newIdempotencyKey, parseTokens, poolQuery, useTopUp, useTransfer, walletQuery, type WalletView } from './api';

function useMembers(enabled: boolean) {
  return useQuery({ queryKey: ['members', 'all'], queryFn: () => unwrap(listMembersApiMembersGet({ query: { limit: 200 } })), enabled });
}

function Balances({ wallet, error, onRetry, label }: { wallet: WalletRead | undefined; error: unknown; onRetry: () => void; label: string }) {
  const { t } = useTranslation();
  const money = useMoney();
  if (error) return <ErrorState error={error} onRetry={onRetry} />;
  const figures = [
    ['balance', t('wallet.balance'), wallet?.balance, t('wallet.balanceHelp')],
    ['held', t('wallet.held'), wallet?.held, t('wallet.heldHelp')],
    ['available', t('wallet.available'), wallet?.available, t('wallet.availableHelp')],
  ] as const;
  return (
    <dl aria-label={label} className="mb-6 grid gap-4 sm:grid-cols-3">
      {figures.map(([key, name, value, help]) => (
        <div key={key} className={cn('rounded-xl border bg-surface p-5 shadow-sm', key === 'available' ? 'border-primary' : 'border-border')}>
          <dt className="text-sm font-medium text-fg-muted">{name}</dt>
          <dd className="mt-2 flex flex-col gap-1">
            {value === undefined ? (
              <Skeleton className="h-8 w-28" />
            ) : (
              <span className="text-2xl font-semibold tabular-nums" data-figure={key}>
                {money.tokens(value)}
              </span>
            )}
            <span className="text-xs text-fg-muted">{help}</span>
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Statement({ view }: { view: WalletView }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const money = useMoney();
  const { query, rows, pagination } = usePagedQuery({ queryKey: ['wallet', 'statement'], filters: view, fetchPage: fetchStatement });
  const columns: Column<StatementLine>[] = [
    { id: 'time', header: t('wallet.columns.time'), sortValue: (l) => l.created_at, cell: (l) => <span className="whitespace-nowrap">{fmt.dateTime(l.created_at)}</span> },
    { id: 'kind', header: t('wallet.columns.kind'), sortValue: (l) => l.kind, cell: (l) => <Badge>{t(`wallet.kinds.${l.kind}`, { defaultValue: l.kind })}</Badge> },
    { id: 'memo', header: t('wallet.columns.memo'), cell: (l) => <span className="text-fg-muted">{l.memo || t(`wallet.kindHelp.${l.kind}`, { defaultValue: '' })}</span> },
    {
      id: 'amount',
      header: t('wallet.columns.amount'),
      align: 'end',
      sortValue: (l) => l.amount,
      cell: (l) => (
        <span className={cn('font-medium whitespace-nowrap tabular-nums', l.amount >= 0 ? 'text-success-text' : 'text-danger-text')}>
          {l.amount > 0 ? `+${money.tokens(l.amount)}` : money.tokens(l.amount)}
          <span className="sr-only"> {l.amount >= 0 ? t('wallet.credit') : t('wallet.debit')}</span>
        </span>
      ),
    },
    { id: 'balance', header: t('wallet.columns.balanceAfter'), align: 'end', sortValue: (l) => l.balance_after, cell: (l) => <span className="tabular-nums">{money.tokens(l.balance_after)}</span> },
  ];
  return (
    <section aria-labelledby={`statement-${view}`}>
      <h2 id={`statement-${view}`} className="mb-3 text-lg font-semibold">
        {t('wallet.statement')}
      </h2>
      <DataTable
        caption={t('wallet.statementCaption')}
        columns={columns}
        rows={rows}
        rowKey={(l) => l.id}
        isLoading={query.isPending}
        error={query.error}
        onRetry={() => void query.refetch()}
        pagination={pagination}
        empty={<EmptyState icon={<Coins aria-hidden className="size-5" />} title={t('wallet.empty')} />}
      />
    </section>
  );
}

type Movement = 'top-up' | 'transfer';

/**
 * Top-up or transfer. The Idempotency-Key is made when the dialog opens and again whenever the
 * form changes: a double click or a retry of the same form is one movement, never two.
 */
function MovementDialog({ kind, onClose }: { kind: Movement; onClose: () => void }) {
  const { t } = useTranslation();
  const { toast } = useToast();
  const money = useMoney();
  const me = useMe();
  const members = useMembers(true);
  const topUp = useTopUp();
  const transfer = useTransfer();
  const mutation = kind === 'top-up' ? topUp : transfer;
  const [key, setKey] = useState(newIdempotencyKey);
  const [target, setTarget] = useState(kind === 'top-up' ? 'pool' : '');
  const [amount, setAmount] = useState('');
  const [memo, setMemo] = useState('');
  const [amountError, setAmountError] = useState<string | undefined>();
  const change = (apply: () => void) => {
    apply();
    setKey(newIdempotencyKey());
  };
  const others = (members.data?.items ?? []).filter((m) => m.user_id !== me.data?.user.id);
  const targets =
    kind === 'top-up'
      ? [{ value: 'pool', label: t('wallet.targets.pool') }, { value: 'me', label: t('wallet.targets.me') }, ...others.map((m) => ({ value: m.user_id, label: `${m.name || m.email} (${m.email})` }))]
      : (members.data?.items ?? []).map((m) => ({ value: m.user_id, label: m.user_id === me.data?.user.id ? t('wallet.targets.meNamed', { email: m.email }) : `${m.name || m.email} (${m.email})` }));

  const submit = () => {
    const tokens = parseTokens(amount);
    if (tokens === null) {
      setAmountError(t('wallet.form.amountInvalid'));
      return;
    }
    setAmountError(undefined);
    const done = () => {
      toast({ title: kind === 'top-up' ? t('wallet.form.toppedUp', { tokens: money.tokens(tokens) }) : t('wallet.form.transferred', { tokens: money.tokens(tokens) }), variant: 'success' });
      onClose();
    };
    if (kind === 'top-up') topUp.mutate({ body: { amount: tokens, target, memo }, key }, { onSuccess: done });
    else transfer.mutate({ body: { amount: tokens, user_id: target, memo }, key }, { onSuccess: done });
  };

  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent title={kind === 'top-up' ? t('wallet.form.topUpTitle') : t('wallet.form.transferTitle')} description={kind === 'top-up' ? t('wallet.form.topUpDescription') : t('wallet.form.transferDescription')}>
        <form
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            if (!mutation.isPending) submit();
          }}
        >
          <FormError error={mutation.error} extra={unplacedFieldErrors(mutation.error, ['amount', 'target', 'user_id', 'memo'])} />
          <SelectField
            label={kind === 'top-up' ? t('wallet.form.target') : t('wallet.form.member')}
            value={target}
            onValueChange={(v) => change(() => setTarget(v))}
            placeholder={t('deployments.form.choose')}
            options={targets}
            error={fieldError(mutation.error, kind === 'top-up' ? 'target' : 'user_id')}
          />
          <TextField label={t('wallet.form.amount')} required inputMode="numeric" value={amount} onChange={(e) => change(() => setAmount(e.target.value))} hint={t('wallet.form.amountHint')} error={amountError ?? fieldError(mutation.error, 'amount')} />
          <TextField label={t('wallet.form.memo')} value={memo} onChange={(e) => change(() => setMemo(e.target.value))} error={fieldError(mutation.error, 'memo')} />
          <div className="flex justify-end gap-2">
            <DialogClose asChild>
              <Button variant="outline">{t('common.cancel')}</Button>
            </DialogClose>
            <Button type="submit" loading={mutation.isPending} disabled={!target}>
              {kind === 'top-up' ? t('wallet.topUp') : t('wallet.transfer')}
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}

export function WalletPage() {
  const { t } = useTranslation();
  const me = useMe();
  const canManage = hasPermission(me.data, 'wallet:manage');
  const wallet = useQuery(walletQuery);
  const pool = useQuery({ ...poolQuery, enabled: canManage });
  const [view, setView] = useState<WalletView>('mine');
  const [movement, setMovement] = useState<Movement | null>(null);

  const mine = (
    <>
      <Balances wallet={wallet.data} error={wallet.error} onRetry={() => void wallet.refetch()} label={t('wallet.mine')} />
      <Statement view="mine" />
    </>
  );
  return (
    <>
      <PageHeader
        title={t('wallet.title')}
        description={t('wallet.description')}
        actions={
          canManage && (
            <>
              <Button variant="outline" onClick={() => setMovement('transfer')}>
                <ArrowRightLeft aria-hidden className="size-4" />
                {t('wallet.transfer')}
              </Button>
              <Button onClick={() => setMovement('top-up')}>
                <CirclePlus aria-hidden className="size-4" />
                {t('wallet.topUp')}
              </Button>
            </>
          )
        }
      />
      {canManage ? (
        <Tabs value={view} onValueChange={(v) => setView(v as WalletView)}>
          <TabsList label={t('wallet.views')} className="mb-2">
            <TabsTrigger value="mine">{t('wallet.mine')}</TabsTrigger>
            <TabsTrigger value="pool">{t('wallet.pool')}</TabsTrigger>
          </TabsList>
          <TabsContent value="mine">{mine}</TabsContent>
          <TabsContent value="pool">
            <p className="mb-4 text-sm text-fg-muted">{t('wallet.poolHelp')}</p>
            <Balances wallet={pool.data} error={pool.error} onRetry={() => void pool.refetch()} label={t('wallet.pool')} />
            <Statement view="pool" />
          </TabsContent>
        </Tabs>
      ) : (
        mine
      )}
      {movement && <MovementDialog kind={movement} onClose={() => setMovement(null)} />}
    </>
  );
}
