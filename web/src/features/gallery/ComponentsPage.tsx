import { Link } from '@tanstack/react-router';
import { ArrowLeft, Bell, Plus, Trash2 } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Brand } from '@/components/layout/Brand';
import { HelpButton } from '@/components/layout/HelpDrawer';
import { usePageTitle } from '@/components/layout/PageHeader';
import { LanguageSwitcher, ThemeToggle } from '@/components/layout/Toggles';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button, type ButtonVariant } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Chart } from '@/components/ui/chart';
import { Checkbox } from '@/components/ui/checkbox';
import { CopyButton } from '@/components/ui/copy-button';
import { ConfirmDialog, Dialog, DialogClose, DialogContent, DialogTrigger } from '@/components/ui/dialog';
import { DataTable, type Column } from '@/components/ui/data-table';
import { Drawer, DrawerContent, DrawerTrigger } from '@/components/ui/drawer';
import { TextAreaField, TextField } from '@/components/ui/input';
import { SelectField } from '@/components/ui/select';
import { Skeleton, SkeletonBlock } from '@/components/ui/skeleton';
import { EmptyState, ErrorState } from '@/components/ui/states';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { useToast } from '@/components/ui/toast';
import { InfoTip, Tooltip } from '@/components/ui/tooltip';
import { usePagedQuery } from '@/components/ui/use-cursor-pagination';
import { useFormat } from '@/lib/format';
import { ApiError } from '@/lib/problem';

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <Card labelledBy={id}>
      <CardHeader id={id} title={title} />
      <CardBody className="flex flex-col gap-5">{children}</CardBody>
    </Card>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-2">
      <p className="text-xs font-semibold tracking-wide text-fg-muted uppercase">{label}</p>
      <div className="flex flex-wrap items-center gap-3">{children}</div>
    </div>
  );
}

interface SampleRow {
  id: string;
  name: string;
  requests: number;
  status: 'active' | 'paused';
}

const SAMPLE_SIZE = 23;
const PAGE = 5;

function useSampleRows(): SampleRow[] {
  const { t } = useTranslation();
  return Array.from({ length: SAMPLE_SIZE }, (_, i) => ({
    id: String(i + 1),
    name: t('gallery.sample.row', { n: i + 1 }),
    requests: ((i * 7919) % 1000) * 13,
    status: i % 4 === 0 ? 'paused' : 'active',
  }));
}

function TableDemo() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const all = useSampleRows();
  const [filter, setFilter] = useState('all');
  // A fake cursor API: the cursor is the offset, as a string.
  const { query, rows, pagination } = usePagedQuery({
    queryKey: ['gallery', 'table', all.length],
    filters: filter,
    fetchPage: async ({ cursor, filters }) => {
      await new Promise((r) => setTimeout(r, 250));
      const source = filters === 'all' ? all : all.filter((r) => r.status === filters);
      const offset = Number(cursor ?? 0);
      const next = offset + PAGE < source.length ? String(offset + PAGE) : null;
      return { items: source.slice(offset, offset + PAGE), next_cursor: next };
    },
  });
  const columns: Column<SampleRow>[] = [
    { id: 'name', header: t('gallery.table.name'), sortValue: (r) => r.name, cell: (r) => <span className="font-medium">{r.name}</span> },
    { id: 'requests', header: t('gallery.table.requests'), align: 'end', sortValue: (r) => r.requests, cell: (r) => fmt.number(r.requests) },
    {
      id: 'status',
      header: t('gallery.table.status'),
      sortValue: (r) => r.status,
      cell: (r) => <Badge tone={r.status === 'active' ? 'success' : 'warning'}>{t(`gallery.table.${r.status}`)}</Badge>,
    },
  ];
  const error = new ApiError({ status: 503, code: 'demo', detail: t('gallery.sample.errorDetail') });
  return (
    <>
      <Row label={t('gallery.states.withData')}>
        <div className="w-full">
          <DataTable
            caption={t('gallery.table.caption')}
            columns={columns}
            rows={rows}
            rowKey={(r) => r.id}
            isLoading={query.isPending}
            pagination={pagination}
            toolbar={
              <SelectField
                label={t('gallery.table.filter')}
                value={filter}
                onValueChange={setFilter}
                fieldClassName="w-48"
                options={[
                  { value: 'all', label: t('audit.filters.all') },
                  { value: 'active', label: t('gallery.table.active') },
                  { value: 'paused', label: t('gallery.table.paused') },
                ]}
              />
            }
            empty={<EmptyState title={t('gallery.sample.emptyTitle')} />}
          />
        </div>
      </Row>
      <div className="grid gap-4 lg:grid-cols-3">
        <Row label={t('gallery.states.loading')}>
          <div className="w-full">
            <DataTable caption={t('gallery.table.caption')} columns={columns} rows={undefined} rowKey={(r) => r.id} isLoading skeletonRows={3} empty={null} />
          </div>
        </Row>
        <Row label={t('gallery.states.empty')}>
          <div className="w-full">
            <DataTable caption={t('gallery.table.caption')} columns={columns} rows={[]} rowKey={(r) => r.id} empty={<EmptyState title={t('gallery.sample.emptyTitle')} />} />
          </div>
        </Row>
        <Row label={t('gallery.states.error')}>
          <div className="w-full">
            <DataTable caption={t('gallery.table.caption')} columns={columns} rows={undefined} rowKey={(r) => r.id} error={error} onRetry={() => undefined} empty={null} />
          </div>
        </Row>
      </div>
    </>
  );
}

export function ComponentsPage() {
  const { t } = useTranslation();
  usePageTitle(t('gallery.title'));
  const fmt = useFormat();
  const { toast } = useToast();
  const [checked, setChecked] = useState(true);
  const [select, setSelect] = useState('member');
  const [confirm, setConfirm] = useState(false);
  const variants: ButtonVariant[] = ['primary', 'secondary', 'outline', 'ghost', 'danger', 'link'];
  const roleOptions = (['owner', 'admin', 'member', 'viewer'] as const).map((r) => ({ value: r, label: t(`roles.${r}`) }));
  const chartDays = [1, 2, 3, 4, 5, 6, 7].map((d) => fmt.date(new Date(2026, 0, d)));
  const swatches = ['--bg', '--surface', '--surface-muted', '--fg', '--fg-muted', '--border', '--primary', '--primary-text', '--accent', '--danger', '--success', '--warning'];
  const sampleError = new ApiError({ status: 500, code: 'demo', detail: t('gallery.sample.errorDetail') });

  return (
    <div className="min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:start-4 focus:top-4 focus:z-50 focus:rounded-md focus:bg-surface focus:px-3 focus:py-2">
        {t('nav.skipToContent')}
      </a>
      <header className="sticky top-0 z-30 flex h-[var(--header-height)] items-center gap-3 border-b border-border bg-bg/85 px-4 backdrop-blur sm:px-6">
        <Link to="/" className="flex items-center gap-2 text-fg no-underline">
          <ArrowLeft aria-hidden className="rtl-flip size-4" />
          <span className="sr-only">{t('gallery.back')}</span>
          <Brand />
        </Link>
        <div className="ms-auto flex items-center gap-1">
          <HelpButton />
          <LanguageSwitcher />
          <ThemeToggle />
        </div>
      </header>
      <main id="main" className="mx-auto flex max-w-6xl flex-col gap-6 px-4 py-8 sm:px-8">
        <div className="flex flex-col gap-1">
          <h1 className="text-2xl font-semibold tracking-tight">{t('gallery.title')}</h1>
          <p className="text-fg-muted">{t('gallery.description')}</p>
        </div>

        <Section id="g-tokens" title={t('gallery.sections.tokens')}>
          <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-6">
            {swatches.map((name) => (
              <li key={name} className="flex flex-col gap-1.5">
                <span className="h-12 rounded-md border border-border" style={{ background: `var(${name})` }} />
                <code dir="ltr" className="text-xs text-fg-muted">
                  {name}
                </code>
              </li>
            ))}
          </ul>
        </Section>

        <Section id="g-buttons" title={t('gallery.sections.buttons')}>
          <Row label={t('gallery.states.default')}>
            {variants.map((v) => (
              <Button key={v} variant={v}>
                {t(`gallery.variants.${v}`)}
              </Button>
            ))}
          </Row>
          <Row label={t('gallery.states.disabled')}>
            {variants.map((v) => (
              <Button key={v} variant={v} disabled>
                {t(`gallery.variants.${v}`)}
              </Button>
            ))}
          </Row>
          <Row label={t('gallery.states.loading')}>
            <Button loading>{t('common.save')}</Button>
            <Button variant="outline" loading>
              {t('common.save')}
            </Button>
          </Row>
          <Row label={t('gallery.states.sizesAndIcons')}>
            <Button size="sm">
              <Plus aria-hidden className="size-3.5" />
              {t('gallery.variants.small')}
            </Button>
            <Button>
              <Plus aria-hidden className="size-4" />
              {t('gallery.variants.medium')}
            </Button>
            <Button variant="outline" size="icon" aria-label={t('gallery.variants.iconOnly')}>
              <Bell aria-hidden className="size-4" />
            </Button>
            <Button variant="danger" size="icon-sm" aria-label={t('common.delete')}>
              <Trash2 aria-hidden className="size-4" />
            </Button>
          </Row>
        </Section>

        <Section id="g-inputs" title={t('gallery.sections.inputs')}>
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField label={t('gallery.inputs.default')} placeholder={t('gallery.inputs.placeholder')} />
            <TextField label={t('gallery.inputs.withHint')} hint={t('gallery.inputs.hint')} labelExtra={<InfoTip content={t('gallery.inputs.help')} />} />
            <TextField label={t('gallery.inputs.withError')} defaultValue={t('gallery.inputs.badValue')} error={t('gallery.inputs.error')} />
            <TextField label={t('gallery.inputs.disabled')} disabled defaultValue={t('gallery.inputs.locked')} />
            <TextAreaField label={t('gallery.inputs.textarea')} />
            <CopyButton value={t('gallery.inputs.copyValue')} />
          </div>
        </Section>

        <Section id="g-select" title={t('gallery.sections.selects')}>
          <div className="grid gap-4 sm:grid-cols-3">
            <SelectField label={t('gallery.states.default')} value={select} onValueChange={setSelect} options={roleOptions} />
            <SelectField label={t('gallery.states.error')} value={select} onValueChange={setSelect} options={roleOptions} error={t('gallery.inputs.error')} />
            <SelectField label={t('gallery.states.disabled')} value={select} onValueChange={setSelect} options={roleOptions} disabled />
          </div>
          <Row label={t('gallery.sections.checkboxes')}>
            <Checkbox label={t('gallery.inputs.checkbox')} description={t('gallery.inputs.hint')} checked={checked} onCheckedChange={setChecked} />
            <Checkbox label={t('gallery.states.disabled')} checked={false} onCheckedChange={() => undefined} disabled />
          </Row>
        </Section>

        <Section id="g-overlays" title={t('gallery.sections.overlays')}>
          <Row label={t('gallery.sections.overlays')}>
            <Dialog>
              <DialogTrigger asChild>
                <Button variant="outline">{t('gallery.overlays.openDialog')}</Button>
              </DialogTrigger>
              <DialogContent
                title={t('gallery.overlays.dialogTitle')}
                description={t('gallery.overlays.dialogBody')}
                footer={
                  <DialogClose asChild>
                    <Button>{t('common.close')}</Button>
                  </DialogClose>
                }
              >
                <TextField label={t('gallery.inputs.default')} />
              </DialogContent>
            </Dialog>
            <Button variant="outline" onClick={() => setConfirm(true)}>
              {t('gallery.overlays.openConfirm')}
            </Button>
            <ConfirmDialog
              open={confirm}
              onOpenChange={setConfirm}
              title={t('gallery.overlays.confirmTitle')}
              description={t('gallery.overlays.confirmBody')}
              confirmLabel={t('common.delete')}
              onConfirm={() => setConfirm(false)}
            />
            <Drawer>
              <DrawerTrigger asChild>
                <Button variant="outline">{t('gallery.overlays.openDrawer')}</Button>
              </DrawerTrigger>
              <DrawerContent title={t('gallery.overlays.drawerTitle')}>
                <p>{t('gallery.overlays.drawerBody')}</p>
              </DrawerContent>
            </Drawer>
            <Tooltip content={t('gallery.overlays.tooltip')}>
              <Button variant="ghost">{t('gallery.overlays.hoverMe')}</Button>
            </Tooltip>
          </Row>
          <Row label={t('gallery.sections.toasts')}>
            {(['success', 'error', 'info'] as const).map((variant) => (
              <Button key={variant} variant="outline" onClick={() => toast({ title: t(`gallery.toasts.${variant}`), description: t('gallery.toasts.body'), variant })}>
                {t(`gallery.toasts.${variant}`)}
              </Button>
            ))}
          </Row>
        </Section>

        <Section id="g-tabs" title={t('gallery.sections.tabs')}>
          <Tabs defaultValue="one">
            <TabsList label={t('gallery.sections.tabs')}>
              <TabsTrigger value="one">{t('gallery.tabs.one')}</TabsTrigger>
              <TabsTrigger value="two">{t('gallery.tabs.two')}</TabsTrigger>
              <TabsTrigger value="three" disabled>
                {t('gallery.states.disabled')}
              </TabsTrigger>
            </TabsList>
            <TabsContent value="one">{t('gallery.tabs.oneBody')}</TabsContent>
            <TabsContent value="two">{t('gallery.tabs.twoBody')}</TabsContent>
          </Tabs>
        </Section>

        <Section id="g-feedback" title={t('gallery.sections.feedback')}>
          <div className="grid gap-3 sm:grid-cols-2">
            {(['info', 'success', 'warning', 'danger'] as const).map((tone) => (
              <Alert key={tone} tone={tone} title={t(`gallery.alerts.${tone}`)}>
                {t('gallery.alerts.body')}
              </Alert>
            ))}
          </div>
          <Row label={t('gallery.sections.badges')}>
            {(['neutral', 'primary', 'success', 'warning', 'danger'] as const).map((tone) => (
              <Badge key={tone} tone={tone}>
                {t(`gallery.badges.${tone}`)}
              </Badge>
            ))}
          </Row>
          <div className="grid gap-4 md:grid-cols-3">
            <Row label={t('gallery.states.loading')}>
              <div className="flex w-full flex-col gap-3">
                <Skeleton className="h-10 w-10 rounded-full" />
                <SkeletonBlock label={t('common.loading')} />
              </div>
            </Row>
            <Row label={t('gallery.states.empty')}>
              <div className="w-full">
                <EmptyState title={t('gallery.sample.emptyTitle')} description={t('gallery.sample.emptyBody')} action={<Button size="sm">{t('gallery.sample.emptyAction')}</Button>} />
              </div>
            </Row>
            <Row label={t('gallery.states.error')}>
              <div className="w-full">
                <ErrorState error={sampleError} onRetry={() => undefined} />
              </div>
            </Row>
          </div>
        </Section>

        <Section id="g-table" title={t('gallery.sections.table')}>
          <TableDemo />
        </Section>

        <Section id="g-charts" title={t('gallery.sections.charts')}>
          <div className="grid gap-6 lg:grid-cols-3">
            <Chart type="line" label={t('gallery.charts.line')} categories={chartDays} series={[{ name: t('gallery.charts.requests'), data: [120, 200, 150, 80, 70, 110, 130] }]} />
            <Chart
              type="bar"
              label={t('gallery.charts.bar')}
              categories={chartDays}
              series={[
                { name: t('gallery.charts.requests'), data: [20, 32, 18, 40, 25, 30, 28] },
                { name: t('gallery.charts.errors'), data: [2, 1, 4, 0, 3, 1, 2] },
              ]}
            />
            <Chart type="pie" label={t('gallery.charts.pie')} categories={[t('gallery.table.active'), t('gallery.table.paused')]} series={[{ name: t('gallery.charts.requests'), data: [70, 30] }]} />
          </div>
        </Section>

        <Section id="g-format" title={t('gallery.sections.formatting')}>
          <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2">
            <dt className="text-fg-muted">{t('gallery.format.date')}</dt>
            <dd>{fmt.dateTime(new Date(2026, 2, 14, 15, 9))}</dd>
            <dt className="text-fg-muted">{t('gallery.format.relative')}</dt>
            <dd>{fmt.relative(new Date(Date.now() - 3 * 3600 * 1000))}</dd>
            <dt className="text-fg-muted">{t('gallery.format.number')}</dt>
            <dd>{fmt.number(1234567.891)}</dd>
            <dt className="text-fg-muted">{t('gallery.format.currency')}</dt>
            <dd>
              {fmt.currency(1299.5, 'USD')} · {fmt.currency(1299.5, 'EUR')}
            </dd>
            <dt className="text-fg-muted">{t('gallery.format.percent')}</dt>
            <dd>{fmt.number(0.256, { style: 'percent', maximumFractionDigits: 1 })}</dd>
          </dl>
        </Section>
      </main>
    </div>
  );
}
