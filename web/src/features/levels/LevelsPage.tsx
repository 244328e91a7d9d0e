import { useQuery } from '@tanstack/react-query';
import { ArrowUpCircle, Check, Layers, Pencil, Plus, Trash2 } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { LevelRead, MyLevel } from '@/client';
import { PageHeader } from '@/components/layout/PageHeader';
import { FormError } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Checkbox } from '@/components/ui/checkbox';
import { ConfirmDialog, Dialog, DialogClose, DialogContent } from '@/components/ui/dialog';
import { TextAreaField, TextField } from '@/components/ui/input';
import { ProgressBar } from '@/components/ui/progress';
import { SelectField } from '@/components/ui/select';
import { Skeleton } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { hasPermission, useMe } from '@/features/session/api';
import { cn } from '@/lib/cn';
import { useFormat } from '@/lib/format';
import { useMoney } from '@/lib/money';
import { fieldError, isApiError, unplacedFieldErrors } from '@/lib/problem';
import { levelsQuery, myLevelQuery, useCreateLevel, useDeleteLevel, useUpdateLevel, useUpgradeLevel } from './api';
import { emptyLevelForm, formToLevel, levelToForm, PERIODS, RESTRICTION_NUMBERS, type LevelForm, type LevelProblem } from './level-form';

function useLevelText() {
  const { t } = useTranslation();
  const money = useMoney();
  return {
    price: (level: LevelRead) =>
      level.pricing.price_cents ? t(`levels.pricePer.${level.pricing.period ?? 'month'}`, { price: money.cents(level.pricing.price_cents, level.pricing.currency ?? 'USD') }) : t('levels.free'),
    tokens: (level: LevelRead) => t(`levels.tokensPer.${level.pricing.period ?? 'month'}`, { tokens: money.tokens(level.pricing.tokens_per_period ?? 0) }),
    limit: (value: number | null | undefined) => (value === null || value === undefined ? t('levels.unlimited') : money.tokens(value)),
  };
}

function MyUsage({ mine }: { mine: MyLevel }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const money = useMoney();
  const level = mine.level;
  const perPeriod = level?.pricing.tokens_per_period ?? 0;
  const of = (used: number, limit: number | null | undefined) => (limit === null || limit === undefined ? t('levels.usage.ofUnlimited', { used: money.tokens(used) }) : t('levels.usage.of', { used: money.tokens(used), limit: money.tokens(limit) }));
  return (
    <Card className="mb-8" labelledBy="my-level">
      <CardHeader
        id="my-level"
        title={level ? t('levels.mine.title', { name: level.name }) : t('levels.mine.none')}
        description={
          mine.period_end
            ? t('levels.mine.period', { start: fmt.date(mine.period_start), end: fmt.date(mine.period_end) })
            : mine.period_start
              ? t('levels.mine.since', { start: fmt.date(mine.period_start) })
              : t('levels.mine.noneBody')
        }
        actions={level && !mine.subscribed && <Badge>{t('levels.mine.default')}</Badge>}
      />
      <CardBody className="grid gap-5 md:grid-cols-3">
        <ProgressBar label={t('levels.usage.executionsToday')} value={mine.executions_today.used} max={mine.executions_today.limit ?? null} valueText={of(mine.executions_today.used, mine.executions_today.limit)} />
        <ProgressBar label={t('levels.usage.concurrent')} value={mine.concurrent_runs.used} max={mine.concurrent_runs.limit ?? null} valueText={of(mine.concurrent_runs.used, mine.concurrent_runs.limit)} />
        <ProgressBar
          label={t('levels.usage.tokensLeft')}
          value={mine.tokens_available}
          max={perPeriod || null}
          remaining
          valueText={perPeriod ? t('levels.usage.left', { left: money.tokens(mine.tokens_available), total: money.tokens(perPeriod) }) : money.tokens(mine.tokens_available)}
          hint={level?.restrictions.max_output_tokens ? t('levels.usage.maxOutput', { limit: money.tokens(level.restrictions.max_output_tokens) }) : undefined}
        />
      </CardBody>
    </Card>
  );
}

function Restriction({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div className="flex items-baseline justify-between gap-3 border-b border-border py-1.5 last:border-b-0">
      <dt className="text-fg-muted">{label}</dt>
      <dd className="text-end font-medium tabular-nums">{value}</dd>
    </div>
  );
}

function LevelCard({ level, levels, current, canUpgrade, canManage, onUpgrade, onEdit, onDelete }: { level: LevelRead; levels: LevelRead[]; current: boolean; canUpgrade: boolean; canManage: boolean; onUpgrade: () => void; onEdit: () => void; onDelete: () => void }) {
  const { t } = useTranslation();
  const money = useMoney();
  const text = useLevelText();
  const r = level.restrictions;
  const nameOf = (slug: string) => levels.find((l) => l.slug === slug)?.name ?? slug;
  const id = `level-${level.slug}`;
  return (
    <article aria-labelledby={id} className={cn('flex flex-col rounded-xl border bg-surface shadow-sm', current ? 'border-primary ring-1 ring-primary' : 'border-border')}>
      <div className="flex flex-col gap-2 border-b border-border px-5 py-4">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h3 id={id} className="text-lg font-semibold">
            {level.name}
          </h3>
          <div className="flex flex-wrap gap-1">
            {current && <Badge tone="primary">{t('levels.current')}</Badge>}
            {level.is_default && <Badge>{t('levels.default')}</Badge>}
          </div>
        </div>
        <p className="text-2xl font-semibold">{text.price(level)}</p>
        <p className="text-sm font-medium text-primary-text">{text.tokens(level)}</p>
        {level.description && (
          <p dir="auto" className="text-sm text-fg-muted">
            {level.description}
          </p>
        )}
      </div>
      <div className="flex flex-1 flex-col gap-4 px-5 py-4 text-sm">
        {level.benefits.length > 0 && (
          <ul className="flex flex-col gap-1.5" aria-label={t('levels.benefits')}>
            {level.benefits.map((b) => (
              <li key={b} className="flex items-start gap-2">
                <Check aria-hidden className="mt-0.5 size-4 shrink-0 text-success-text" />
                <span dir="auto">{b}</span>
              </li>
            ))}
          </ul>
        )}
        {level.features.length > 0 && (
          <div className="flex flex-col gap-1.5">
            <h4 className="text-xs font-semibold tracking-wide text-fg-muted uppercase">{t('levels.features')}</h4>
            <div className="flex flex-wrap gap-1">
              {level.features.map((f) => (
                <Badge key={f} className="font-mono">
                  {f}
                </Badge>
              ))}
            </div>
          </div>
        )}
        <div className="flex flex-col gap-1">
          <h4 className="text-xs font-semibold tracking-wide text-fg-muted uppercase">{t('levels.restrictionsTitle')}</h4>
          <dl className="flex flex-col">
            <Restriction label={t('levels.restrictions.executions_per_day')} value={text.limit(r.executions_per_day)} />
            <Restriction label={t('levels.restrictions.concurrent_runs')} value={text.limit(r.concurrent_runs)} />
            <Restriction label={t('levels.restrictions.max_output_tokens')} value={text.limit(r.max_output_tokens)} />
            <Restriction label={t('levels.restrictions.rate_limit')} value={r.rate_limit ? <code dir="ltr">{r.rate_limit}</code> : t('levels.unlimited')} />
            <Restriction label={t('levels.restrictions.overdraft_tokens')} value={r.overdraft_tokens ? money.tokens(r.overdraft_tokens) : t('levels.none')} />
            <Restriction label={t('levels.restrictions.allowed_engines')} value={r.allowed_engines ? r.allowed_engines.join(', ') : t('levels.all')} />
            <Restriction label={t('levels.restrictions.allowed_models')} value={r.allowed_models ? r.allowed_models.join(', ') : t('levels.all')} />
          </dl>
        </div>
        <p className="text-xs text-fg-muted">{level.upgrades_to.length ? t('levels.upgradesTo', { levels: level.upgrades_to.map(nameOf).join(', ') }) : t('levels.noUpgrades')}</p>
      </div>
      {(canUpgrade || canManage) && (
        <div className="flex flex-wrap items-center gap-2 border-t border-border px-5 py-3">
          {canUpgrade && (
            <Button size="sm" onClick={onUpgrade} aria-label={t('levels.upgradeNamed', { name: level.name })}>
              <ArrowUpCircle aria-hidden className="size-3.5" />
              {t('levels.upgrade')}
            </Button>
          )}
          {canManage && (
            <>
              <Button variant="ghost" size="sm" onClick={onEdit} aria-label={t('levels.editNamed', { name: level.name })}>
                <Pencil aria-hidden className="size-3.5" />
                {t('providers.edit')}
              </Button>
              <Button variant="ghost" size="sm" onClick={onDelete} aria-label={t('levels.deleteNamed', { name: level.name })}>
                <Trash2 aria-hidden className="size-3.5" />
                {t('common.delete')}
              </Button>
            </>
          )}
        </div>
      )}
    </article>
  );
}

function LevelDialog({ level, levels, onClose }: { level: LevelRead | null; levels: LevelRead[]; onClose: () => void }) {
  const { t } = useTranslation();
  const { toast } = useToast();
  const create = useCreateLevel();
  const update = useUpdateLevel();
  const mutation = level ? update : create;
  const [form, setForm] = useState<LevelForm>(level ? levelToForm(level) : emptyLevelForm());
  const [problems, setProblems] = useState<Record<string, LevelProblem>>({});
  const set = (patch: Partial<LevelForm>) => setForm((f) => ({ ...f, ...patch }));
  const setRestriction = (name: keyof LevelForm['restrictions'], value: string) => setForm((f) => ({ ...f, restrictions: { ...f.restrictions, [name]: value } }));
  const err = (name: string) => (problems[name] ? t(`levels.problems.${problems[name]}`) : fieldError(mutation.error, name));

  const submit = () => {
    const { body, problems: found } = formToLevel(form);
    setProblems(found);
    if (!body) return;
    const done = () => {
      toast({ title: t('levels.form.saved', { name: body.name }), variant: 'success' });
      onClose();
    };
    if (level) {
      const { slug: _slug, ...changes } = body;
      void _slug;
      update.mutate({ id: level.id, body: changes }, { onSuccess: done });
    } else create.mutate(body, { onSuccess: done });
  };

  const shown = ['slug', 'name', 'description', 'position', 'is_default', 'features', 'benefits', 'upgrades_to', 'pricing.price_cents', 'pricing.currency', 'pricing.period', 'pricing.tokens_per_period', ...RESTRICTION_NUMBERS.map((n) => `restrictions.${n}`), 'restrictions.rate_limit', 'restrictions.allowed_engines', 'restrictions.allowed_models'];
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent title={level ? t('levels.form.editTitle', { name: level.name }) : t('levels.form.addTitle')} description={t('levels.form.description')} className="max-w-2xl">
        <form
          noValidate
          className="flex flex-col gap-5"
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <FormError error={mutation.error} extra={unplacedFieldErrors(mutation.error, shown)} />
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField label={t('levels.form.name')} required value={form.name} onChange={(e) => set({ name: e.target.value })} error={err('name')} />
            <TextField label={t('levels.form.slug')} required dir="ltr" readOnly={Boolean(level)} value={form.slug} onChange={(e) => set({ slug: e.target.value })} hint={level ? t('levels.form.slugFixed') : t('engines.fields.slugHint')} error={err('slug')} />
          </div>
          <TextAreaField label={t('levels.form.descriptionField')} value={form.description} onChange={(e) => set({ description: e.target.value })} error={err('description')} />
          <fieldset className="flex flex-col gap-3">
            <legend className="mb-1 text-sm font-semibold">{t('levels.form.pricing')}</legend>
            <div className="grid gap-4 sm:grid-cols-4">
              <TextField label={t('levels.form.price')} inputMode="decimal" dir="ltr" value={form.price} onChange={(e) => set({ price: e.target.value })} error={err('pricing.price_cents')} />
              <TextField label={t('levels.form.currency')} dir="ltr" maxLength={3} value={form.currency} onChange={(e) => set({ currency: e.target.value })} error={err('pricing.currency')} />
              <SelectField label={t('levels.form.period')} value={form.period} onValueChange={(v) => set({ period: v as LevelForm['period'] })} options={PERIODS.map((p) => ({ value: p, label: t(`levels.periods.${p}`) }))} error={err('pricing.period')} />
              <TextField label={t('levels.form.tokens')} inputMode="numeric" value={form.tokens_per_period} onChange={(e) => set({ tokens_per_period: e.target.value })} error={err('pricing.tokens_per_period')} />
            </div>
          </fieldset>
          <fieldset className="flex flex-col gap-3">
            <legend className="mb-1 text-sm font-semibold">{t('levels.restrictionsTitle')}</legend>
            <p className="text-xs text-fg-muted">{t('levels.form.restrictionsHint')}</p>
            <div className="grid gap-4 sm:grid-cols-3">
              {RESTRICTION_NUMBERS.map((name) => (
                <TextField key={name} label={t(`levels.restrictions.${name}`)} inputMode="numeric" value={form.restrictions[name]} onChange={(e) => setRestriction(name, e.target.value)} error={err(`restrictions.${name}`)} />
              ))}
              <TextField label={t('levels.restrictions.rate_limit')} dir="ltr" placeholder={t('levels.form.ratePlaceholder')} value={form.restrictions.rate_limit} onChange={(e) => setRestriction('rate_limit', e.target.value)} error={err('restrictions.rate_limit')} />
            </div>
            <div className="grid gap-4 sm:grid-cols-2">
              <TextField label={t('levels.restrictions.allowed_engines')} dir="ltr" value={form.restrictions.allowed_engines} onChange={(e) => setRestriction('allowed_engines', e.target.value)} hint={t('levels.form.listHint')} error={err('restrictions.allowed_engines')} />
              <TextField label={t('levels.restrictions.allowed_models')} dir="ltr" value={form.restrictions.allowed_models} onChange={(e) => setRestriction('allowed_models', e.target.value)} hint={t('levels.form.listHint')} error={err('restrictions.allowed_models')} />
            </div>
          </fieldset>
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField label={t('levels.features')} dir="ltr" value={form.features} onChange={(e) => set({ features: e.target.value })} hint={t('levels.form.listHint')} error={err('features')} />
            <TextField label={t('levels.form.position')} inputMode="numeric" value={form.position} onChange={(e) => set({ position: e.target.value })} hint={t('levels.form.positionHint')} error={err('position')} />
          </div>
          <TextAreaField label={t('levels.benefits')} value={form.benefits} onChange={(e) => set({ benefits: e.target.value })} hint={t('levels.form.benefitsHint')} error={err('benefits')} />
          {levels.filter((l) => l.slug !== form.slug).length > 0 && (
            <fieldset className="flex flex-col gap-2">
              <legend className="mb-1 text-sm font-semibold">{t('levels.form.upgrades')}</legend>
              {levels
                .filter((l) => l.slug !== form.slug)
                .map((l) => (
                  <Checkbox
                    key={l.id}
                    label={l.name}
                    checked={form.upgrades_to.includes(l.slug)}
                    onCheckedChange={(on) => set({ upgrades_to: on ? [...form.upgrades_to, l.slug] : form.upgrades_to.filter((s) => s !== l.slug) })}
                  />
                ))}
            </fieldset>
          )}
          <Checkbox checked={form.is_default} onCheckedChange={(is_default) => set({ is_default })} label={t('levels.form.isDefault')} description={t('levels.form.isDefaultHint')} />
          <div className="flex justify-end gap-2">
            <DialogClose asChild>
              <Button variant="outline">{t('common.cancel')}</Button>
            </DialogClose>
            <Button type="submit" loading={mutation.isPending}>
              {level ? t('common.save') : t('levels.form.add')}
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}

export function LevelsPage() {
  const { t } = useTranslation();
  const { toast } = useToast();
  const me = useMe();
  const canManage = hasPermission(me.data, 'levels:manage');
  const levels = useQuery(levelsQuery);
  const mine = useQuery(myLevelQuery);
  const upgrade = useUpgradeLevel();
  const remove = useDeleteLevel();
  const [editing, setEditing] = useState<LevelRead | 'new' | null>(null);
  const [upgrading, setUpgrading] = useState<LevelRead | null>(null);
  const [deleting, setDeleting] = useState<LevelRead | null>(null);
  const items = levels.data?.items ?? [];
  const current = mine.data?.level;
  const upgradable = new Set(current?.upgrades_to ?? []);

  return (
    <>
      <PageHeader
        title={t('levels.title')}
        description={t('levels.description')}
        actions={
          canManage && (
            <Button onClick={() => setEditing('new')}>
              <Plus aria-hidden className="size-4" />
              {t('levels.add')}
            </Button>
          )
        }
      />
      {mine.isError ? <ErrorState error={mine.error} onRetry={() => void mine.refetch()} /> : mine.data ? <MyUsage mine={mine.data} /> : <Skeleton className="mb-8 h-40 w-full" />}
      <section aria-labelledby="plans">
        <h2 id="plans" className="mb-1 text-lg font-semibold">
          {t('levels.plans')}
        </h2>
        <p className="mb-4 text-sm text-fg-muted">{t('levels.plansHelp')}</p>
        {levels.isError ? (
          <ErrorState error={levels.error} onRetry={() => void levels.refetch()} />
        ) : levels.isPending ? (
          <Skeleton className="h-80 w-full" />
        ) : items.length === 0 ? (
          <EmptyState icon={<Layers aria-hidden className="size-5" />} title={t('levels.empty')} description={t('levels.emptyBody')} />
        ) : (
          <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
            {items.map((level) => (
              <LevelCard
                key={level.id}
                level={level}
                levels={items}
                current={current?.id === level.id}
                canUpgrade={upgradable.has(level.slug) && current?.id !== level.id}
                canManage={canManage}
                onUpgrade={() => setUpgrading(level)}
                onEdit={() => setEditing(level)}
                onDelete={() => setDeleting(level)}
              />
            ))}
          </div>
        )}
      </section>
      {editing && <LevelDialog level={editing === 'new' ? null : editing} levels={items} onClose={() => setEditing(null)} />}
      <ConfirmDialog
        open={upgrading !== null}
        onOpenChange={(open) => !open && setUpgrading(null)}
        danger={false}
        title={t('levels.upgradeTitle', { name: upgrading?.name })}
        description={t('levels.upgradeDescription')}
        confirmLabel={t('levels.upgrade')}
        pending={upgrade.isPending}
        onConfirm={() =>
          upgrading &&
          upgrade.mutate(upgrading.slug, {
            onSuccess: () => {
              toast({ title: t('levels.upgraded', { name: upgrading.name }), variant: 'success' });
              setUpgrading(null);
            },
            onError: (e) => toast({ title: isApiError(e) ? e.detail : t('errors.unknown'), variant: 'error' }),
          })
        }
      />
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title={t('levels.deleteTitle', { name: deleting?.name })}
        description={t('levels.deleteDescription')}
        confirmLabel={t('common.delete')}
        pending={remove.isPending}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              toast({ title: t('levels.deleted', { name: deleting.name }), variant: 'success' });
              setDeleting(null);
            },
            onError: (e) => toast({ title: isApiError(e) ? e.detail : t('errors.unknown'), variant: 'error' }),
          })
        }
      />
    </>
  );
}
