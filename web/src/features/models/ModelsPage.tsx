import { useQuery } from '@tanstack/react-query';
import { Boxes, Tags } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ModelRead } from '@/client';
import { PageHeader } from '@/components/layout/PageHeader';
import { FormError } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { DataTable, type Column } from '@/components/ui/data-table';
import { Dialog, DialogClose, DialogContent } from '@/components/ui/dialog';
import { TextField } from '@/components/ui/input';
import { Tooltip } from '@/components/ui/tooltip';
import { EmptyState } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { hasPermission, useMe } from '@/features/session/api';
import { microToDollarsInput, parseDollarsToMicro, useMoney } from '@/lib/money';
import { fieldError, unplacedFieldErrors } from '@/lib/problem';
import { modelsQuery, useClearModelPrice, useSetModelPrice } from './api';

const PRICE_KINDS = ['input', 'output', 'cached'] as const;
type PriceKind = (typeof PRICE_KINDS)[number];

/** A markup typed as a percentage ("20", "-5", "12.5") as basis points; null when not a number. */
export function percentToBps(text: string): number | null {
  const cleaned = text.trim().replace('%', '').replace(',', '.');
  if (cleaned === '') return 0;
  if (!/^[+-]?\d+(\.\d{1,2})?$/.test(cleaned)) return null;
  return Math.round(Number(cleaned) * 100);
}

function PriceDialog({ model, onClose }: { model: ModelRead; onClose: () => void }) {
  const { t } = useTranslation();
  const money = useMoney();
  const { toast } = useToast();
  const set = useSetModelPrice();
  const clear = useClearModelPrice();
  const [markup, setMarkup] = useState(model.override ? String(model.override.markup_bps / 100) : '0');
  const [fixed, setFixed] = useState<Record<PriceKind, string>>({
    input: microToDollarsInput(model.override?.input_price),
    output: microToDollarsInput(model.override?.output_price),
    cached: microToDollarsInput(model.override?.cached_price),
  });
  const [problems, setProblems] = useState<Partial<Record<PriceKind | 'markup', string>>>({});

  const submit = () => {
    const found: typeof problems = {};
    const bps = percentToBps(markup);
    if (bps === null) found.markup = t('models.price.invalidPercent');
    const prices: Partial<Record<PriceKind, number | null>> = {};
    for (const kind of PRICE_KINDS) {
      if (!fixed[kind].trim()) {
        prices[kind] = null;
        continue;
      }
      const micro = parseDollarsToMicro(fixed[kind]);
      if (micro === null) found[kind] = t('models.price.invalidPrice');
      else prices[kind] = micro;
    }
    setProblems(found);
    if (Object.keys(found).length > 0 || bps === null) return;
    set.mutate(
      { id: model.id, body: { markup_bps: bps, input_price: prices.input ?? null, output_price: prices.output ?? null, cached_price: prices.cached ?? null } },
      {
        onSuccess: () => {
          toast({ title: t('models.price.saved', { name: model.name }), variant: 'success' });
          onClose();
        },
      },
    );
  };

  const error = set.error ?? clear.error;
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent title={t('models.price.title', { name: model.name })} description={t('models.price.description')}>
        <form
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <FormError error={error} extra={unplacedFieldErrors(error, ['markup_bps', 'input_price', 'output_price', 'cached_price'])} />
          <TextField
            label={t('models.price.markup')}
            inputMode="decimal"
            dir="ltr"
            value={markup}
            onChange={(e) => setMarkup(e.target.value)}
            hint={t('models.price.markupHint')}
            error={problems.markup ?? fieldError(set.error, 'markup_bps')}
            fieldClassName="max-w-56"
          />
          <fieldset className="flex flex-col gap-3">
            <legend className="mb-1 text-sm font-medium">{t('models.price.fixed')}</legend>
            <p className="text-xs text-fg-muted">{t('models.price.fixedHint')}</p>
            <div className="grid gap-3 sm:grid-cols-3">
              {PRICE_KINDS.map((kind) => (
                <TextField
                  key={kind}
                  label={t(`models.price.${kind}`)}
                  inputMode="decimal"
                  dir="ltr"
                  placeholder={microToDollarsInput(model.catalog_prices[kind])}
                  value={fixed[kind]}
                  onChange={(e) => setFixed({ ...fixed, [kind]: e.target.value })}
                  hint={t('models.price.catalog', { price: money.perMillion(model.catalog_prices[kind]) })}
                  error={problems[kind] ?? fieldError(set.error, `${kind}_price`)}
                />
              ))}
            </div>
          </fieldset>
          <div className="flex flex-wrap justify-between gap-2">
            {model.override ? (
              <Button
                variant="ghost"
                loading={clear.isPending}
                onClick={() =>
                  clear.mutate(model.id, {
                    onSuccess: () => {
                      toast({ title: t('models.price.cleared', { name: model.name }), variant: 'success' });
                      onClose();
                    },
                  })
                }
              >
                {t('models.price.reset')}
              </Button>
            ) : (
              <span />
            )}
            <div className="flex gap-2">
              <DialogClose asChild>
                <Button variant="outline">{t('common.cancel')}</Button>
              </DialogClose>
              <Button type="submit" loading={set.isPending}>
                {t('common.save')}
              </Button>
            </div>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}

export function ModelsPage() {
  const { t } = useTranslation();
  const money = useMoney();
  const me = useMe();
  const canManage = hasPermission(me.data, 'providers:manage');
  const models = useQuery(modelsQuery);
  const [editing, setEditing] = useState<ModelRead | null>(null);

  const price = (kind: PriceKind) => (m: ModelRead) => (
    <div className="flex flex-col items-end">
      <span className="tabular-nums">{money.perMillion(m.prices[kind])}</span>
      {m.prices[kind] !== m.catalog_prices[kind] && (
        <span className="text-xs text-fg-muted tabular-nums">
          <span className="sr-only">{t('models.catalogPrice')} </span>
          <s aria-hidden>{money.perMillion(m.catalog_prices[kind])}</s>
          <span className="sr-only">{money.perMillion(m.catalog_prices[kind])}</span>
        </span>
      )}
    </div>
  );

  const columns: Column<ModelRead>[] = [
    {
      id: 'name',
      header: t('models.columns.model'),
      sortValue: (m) => m.name,
      cell: (m) => (
        <div className="flex min-w-40 flex-col">
          <span className="font-medium">{m.name}</span>
          <code dir="ltr" className="text-xs whitespace-nowrap text-fg-muted">
            {m.slug}
          </code>
        </div>
      ),
    },
    { id: 'context', header: t('models.columns.context'), align: 'end', sortValue: (m) => m.context_window, cell: (m) => <span className="tabular-nums">{money.tokens(m.context_window, true)}</span> },
    {
      id: 'capabilities',
      header: t('models.columns.capabilities'),
      cell: (m) => (
        <div className="flex max-w-48 flex-wrap gap-1">
          {m.capabilities.map((c) => (
            <Badge key={c}>{t(`models.capabilities.${c}`, { defaultValue: c })}</Badge>
          ))}
        </div>
      ),
    },
    { id: 'input', header: t('models.columns.input'), align: 'end', sortValue: (m) => m.prices.input, cell: price('input') },
    { id: 'output', header: t('models.columns.output'), align: 'end', sortValue: (m) => m.prices.output, cell: price('output') },
    { id: 'cached', header: t('models.columns.cached'), align: 'end', sortValue: (m) => m.prices.cached, cell: price('cached') },
    {
      id: 'override',
      header: t('models.columns.override'),
      cell: (m) => {
        if (!m.override) return <span className="whitespace-nowrap text-fg-muted">{t('models.catalog')}</span>;
        const fixed = PRICE_KINDS.some((k) => m.override?.[`${k}_price`] !== null && m.override?.[`${k}_price`] !== undefined);
        return (
          <div className="flex flex-wrap gap-1">
            {m.override.markup_bps !== 0 && <Badge tone="primary">{money.markup(m.override.markup_bps)}</Badge>}
            {fixed && <Badge tone="primary">{t('models.fixedBadge')}</Badge>}
            {m.override.markup_bps === 0 && !fixed && <span className="whitespace-nowrap text-fg-muted">{t('models.catalog')}</span>}
          </div>
        );
      },
    },
    {
      id: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      align: 'end',
      cell: (m) =>
        canManage ? (
          <Tooltip content={t('models.editPrice')}>
            <Button variant="ghost" size="icon-sm" onClick={() => setEditing(m)} aria-label={t('models.editPriceNamed', { name: m.name })}>
              <Tags aria-hidden className="size-4" />
            </Button>
          </Tooltip>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader title={t('models.title')} description={t('models.description')} />
      <p className="mb-3 text-xs text-fg-muted">{t('models.perMillion')}</p>
      <DataTable
        caption={t('models.tableCaption')}
        columns={columns}
        rows={models.data?.items}
        rowKey={(m) => m.id}
        isLoading={models.isPending}
        error={models.error}
        onRetry={() => void models.refetch()}
        empty={<EmptyState icon={<Boxes aria-hidden className="size-5" />} title={t('models.empty')} />}
      />
      {editing && <PriceDialog model={editing} onClose={() => setEditing(null)} />}
    </>
  );
}
