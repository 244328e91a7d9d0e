import { useQuery } from '@tanstack/react-query';
import { Check } from 'lucide-react';
import { useEffect, useMemo, useState, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import type { TenantRead, Theme } from '@/client';
import { PageHeader } from '@/components/layout/PageHeader';
import { Alert, FormError } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { TextField } from '@/components/ui/input';
import { SelectField } from '@/components/ui/select';
import { SkeletonBlock } from '@/components/ui/skeleton';
import { ErrorState } from '@/components/ui/states';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { useToast } from '@/components/ui/toast';
import { InfoTip } from '@/components/ui/tooltip';
import { currentTenantQuery, hasPermission, useMe } from '@/features/session/api';
import { endonym, LANGUAGES } from '@/i18n/languages';
import { contrastRatio, isHexColour } from '@/lib/contrast';
import { fieldError, unplacedFieldErrors } from '@/lib/problem';
import { BASE, brandTokens } from '@/theme/branding';
import { useTheme } from '@/theme/ThemeProvider';
import { ColourField } from './ColourField';
import { useUpdateTenant } from './api';

interface FormState {
  name: string;
  defaultLanguage: string;
  brandName: string;
  logoUrl: string;
  primary: string;
  accent: string;
  background: string;
  surface: string;
  defaultMode: 'system' | 'light' | 'dark';
}

function fromTenant(tenant: TenantRead): FormState {
  const theme = tenant.settings?.theme;
  return {
    name: tenant.name,
    defaultLanguage: tenant.settings?.default_language ?? 'en',
    brandName: theme?.brand_name ?? '',
    logoUrl: theme?.logo_url ?? '',
    primary: theme?.colours?.primary ?? '#4f46e5',
    accent: theme?.colours?.accent ?? '#0ea5e9',
    background: theme?.colours?.background ?? '',
    surface: theme?.colours?.surface ?? '',
    defaultMode: theme?.default_mode ?? 'system',
  };
}

function toTheme(form: FormState): Theme {
  return {
    brand_name: form.brandName.trim() || null,
    logo_url: form.logoUrl.trim() || null,
    default_mode: form.defaultMode,
    colours: { primary: form.primary, accent: form.accent, background: form.background || null, surface: form.surface || null },
  };
}

const F = {
  name: 'name',
  language: 'settings.default_language',
  brandName: 'settings.theme.brand_name',
  logoUrl: 'settings.theme.logo_url',
  primary: 'settings.theme.colours.primary',
  accent: 'settings.theme.colours.accent',
  background: 'settings.theme.colours.background',
  surface: 'settings.theme.colours.surface',
} as const;

function BrandPreview({ theme, mode }: { theme: Theme; mode: 'light' | 'dark' }) {
  const { t } = useTranslation();
  const tokens = brandTokens(theme, mode);
  const style = tokens as CSSProperties;
  const name = theme.brand_name || t('app.name');
  return (
    <div data-theme={mode} style={style} className="overflow-hidden rounded-lg border border-border bg-bg text-fg" aria-label={t(`settings.preview.${mode}`)} role="group">
      <div className="flex items-center gap-2 border-b border-border bg-surface px-4 py-3">
        {theme.logo_url ? (
          <img src={theme.logo_url} alt="" className="size-7 rounded object-contain" />
        ) : (
          <span aria-hidden className="flex size-7 items-center justify-center rounded bg-primary text-sm font-bold text-primary-fg">
            {name.charAt(0).toUpperCase()}
          </span>
        )}
        <span className="font-semibold">{name}</span>
      </div>
      <div className="flex flex-col gap-3 p-4">
        <p className="text-sm">
          {t('settings.preview.text')}{' '}
          <span className="font-medium text-primary-text underline">{t('settings.preview.link')}</span>
        </p>
        <div className="flex flex-wrap gap-2">
          <span className="inline-flex h-8 items-center rounded-md bg-primary px-3 text-xs font-medium text-primary-fg">{t('settings.preview.primaryButton')}</span>
          <span className="inline-flex h-8 items-center rounded-md bg-accent px-3 text-xs font-medium text-accent-fg">{t('settings.preview.accentButton')}</span>
          <span className="inline-flex h-8 items-center rounded-md bg-primary-soft px-3 text-xs font-medium text-primary-text">{t('settings.preview.soft')}</span>
        </div>
      </div>
    </div>
  );
}

function ContrastReport({ theme }: { theme: Theme }) {
  const { t, i18n } = useTranslation();
  const fmt = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 });
  const tokens = brandTokens(theme, 'light');
  const primary = theme.colours?.primary ?? '';
  const adjusted = isHexColour(primary) && tokens['--primary'] !== primary.toLowerCase();
  const rows = [
    { label: t('settings.contrast.onPrimary'), ratio: contrastRatio(tokens['--primary'] ?? '#4f46e5', tokens['--primary-fg'] ?? '#ffffff') },
    { label: t('settings.contrast.onAccent'), ratio: contrastRatio(tokens['--accent'] ?? '#0ea5e9', tokens['--accent-fg'] ?? '#000000') },
    { label: t('settings.contrast.links'), ratio: contrastRatio(tokens['--primary-text'] ?? '#4338ca', tokens['--bg'] ?? BASE.light.bg) },
  ];
  return (
    <div className="flex flex-col gap-2">
      <ul className="flex flex-col gap-1.5 text-sm">
        {rows.map((row) => (
          <li key={row.label} className="flex items-center justify-between gap-3">
            <span>{row.label}</span>
            <Badge tone={row.ratio >= 4.5 ? 'success' : 'danger'}>
              <Check aria-hidden className="size-3" />
              {t('settings.contrast.ratio', { ratio: fmt.format(row.ratio) })}
            </Badge>
          </li>
        ))}
      </ul>
      {adjusted && <p className="text-xs text-fg-muted">{t('settings.contrast.adjusted')}</p>}
    </div>
  );
}

export function SettingsPage() {
  const { t } = useTranslation();
  const { toast } = useToast();
  const me = useMe();
  const tenant = useQuery(currentTenantQuery);
  const update = useUpdateTenant();
  const { resolved } = useTheme();
  const [form, setForm] = useState<FormState | null>(null);
  const canWrite = hasPermission(me.data, 'tenant:write');

  useEffect(() => {
    if (tenant.data && !form) setForm(fromTenant(tenant.data));
  }, [tenant.data, form]);

  const theme = useMemo(() => (form ? toTheme(form) : null), [form]);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((f) => (f ? { ...f, [key]: value } : f));

  const save = () => {
    if (!form || !tenant.data || !theme) return;
    update.mutate(
      {
        name: form.name,
        settings: { ...tenant.data.settings, default_language: form.defaultLanguage as 'en' | 'es' | 'ar', theme },
      },
      { onSuccess: () => toast({ title: t('settings.saved'), variant: 'success' }) },
    );
  };

  const err = (field: string) => fieldError(update.error, field);

  return (
    <>
      <PageHeader title={t('settings.title')} description={t('settings.description')} />
      {tenant.isError ? (
        <ErrorState error={tenant.error} onRetry={() => void tenant.refetch()} />
      ) : !form || !theme ? (
        <SkeletonBlock label={t('common.loading')} lines={6} />
      ) : (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            save();
          }}
          className="flex flex-col gap-4"
        >
          {!canWrite && <Alert tone="info">{t('settings.readOnly')}</Alert>}
          <FormError error={update.error} extra={unplacedFieldErrors(update.error, Object.values(F))} />
          <Tabs defaultValue="general">
            <TabsList label={t('settings.sections')}>
              <TabsTrigger value="general">{t('settings.general')}</TabsTrigger>
              <TabsTrigger value="branding">{t('settings.branding')}</TabsTrigger>
            </TabsList>
            <TabsContent value="general">
              <Card>
                <CardBody className="grid gap-4 sm:grid-cols-2">
                  <TextField label={t('settings.tenantName')} required disabled={!canWrite} value={form.name} onChange={(e) => set('name', e.target.value)} error={err(F.name)} />
                  <TextField label={t('settings.slug')} value={tenant.data?.slug ?? ''} readOnly disabled dir="ltr" hint={t('settings.slugHint')} />
                  <SelectField
                    label={t('settings.defaultLanguage')}
                    value={form.defaultLanguage}
                    onValueChange={(v) => set('defaultLanguage', v)}
                    disabled={!canWrite}
                    options={LANGUAGES.map((l) => ({ value: l, label: endonym(l) }))}
                    hint={t('settings.defaultLanguageHint')}
                    error={err(F.language)}
                  />
                </CardBody>
              </Card>
            </TabsContent>
            <TabsContent value="branding">
              <div className="grid gap-4 lg:grid-cols-[1fr_22rem]">
                <Card>
                  <CardHeader title={t('settings.brandingHeading')} description={t('settings.brandingDescription')} />
                  <CardBody className="grid gap-4 sm:grid-cols-2">
                    <TextField label={t('settings.brandName')} disabled={!canWrite} maxLength={80} value={form.brandName} onChange={(e) => set('brandName', e.target.value)} error={err(F.brandName)} />
                    <TextField
                      label={t('settings.logoUrl')}
                      labelExtra={<InfoTip content={t('settings.logoHelp')} />}
                      disabled={!canWrite}
                      dir="ltr"
                      type="url"
                      value={form.logoUrl}
                      onChange={(e) => set('logoUrl', e.target.value)}
                      error={err(F.logoUrl)}
                    />
                    <ColourField label={t('settings.primary')} value={form.primary} onChange={(v) => set('primary', v)} fallback="#4f46e5" disabled={!canWrite} error={err(F.primary)} />
                    <ColourField label={t('settings.accent')} value={form.accent} onChange={(v) => set('accent', v)} fallback="#0ea5e9" disabled={!canWrite} error={err(F.accent)} />
                    <ColourField label={t('settings.background')} value={form.background} onChange={(v) => set('background', v)} fallback="#ffffff" optional disabled={!canWrite} error={err(F.background)} />
                    <ColourField label={t('settings.surface')} value={form.surface} onChange={(v) => set('surface', v)} fallback="#ffffff" optional disabled={!canWrite} error={err(F.surface)} />
                    <SelectField
                      label={t('settings.defaultMode')}
                      value={form.defaultMode}
                      onValueChange={(v) => set('defaultMode', v as FormState['defaultMode'])}
                      disabled={!canWrite}
                      options={(['system', 'light', 'dark'] as const).map((m) => ({ value: m, label: t(`theme.${m}`) }))}
                    />
                  </CardBody>
                </Card>
                <Card>
                  <CardHeader title={t('settings.previewHeading')} description={t('settings.previewDescription')} />
                  <CardBody className="flex flex-col gap-4">
                    <BrandPreview theme={theme} mode={resolved} />
                    <BrandPreview theme={theme} mode={resolved === 'dark' ? 'light' : 'dark'} />
                    <ContrastReport theme={theme} />
                  </CardBody>
                </Card>
              </div>
            </TabsContent>
          </Tabs>
          {canWrite && (
            <div className="flex justify-end gap-2">
              <Button variant="outline" onClick={() => tenant.data && setForm(fromTenant(tenant.data))}>
                {t('common.discard')}
              </Button>
              <Button type="submit" loading={update.isPending}>
                {t('common.save')}
              </Button>
            </div>
          )}
        </form>
      )}
    </>
  );
}
