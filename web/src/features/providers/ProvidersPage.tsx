import { useQuery } from '@tanstack/react-query';
import { Pencil, PlugZap, Plus, Server, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProviderKind, ProviderRead, ProviderTestResult } from '@/client';
import { PageHeader } from '@/components/layout/PageHeader';
import { Alert, FormError } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { DataTable, type Column } from '@/components/ui/data-table';
import { ConfirmDialog, Dialog, DialogClose, DialogContent } from '@/components/ui/dialog';
import { TextAreaField, TextField } from '@/components/ui/input';
import { SelectField } from '@/components/ui/select';
import { EmptyState } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { hasPermission, useMe } from '@/features/session/api';
import { useFormat } from '@/lib/format';
import { useMoney } from '@/lib/money';
import { isApiError } from '@/lib/problem';
import { PROVIDER_KINDS, providerField, providersQuery, useCreateProvider, useDeleteProvider, useTestProvider, useUpdateProvider, type ProviderCreateBody, type ProviderUpdateBody } from './api';

/** Options each kind starts with in the form, as an example of what it accepts. */
const OPTION_TEMPLATES: Record<ProviderKind, Record<string, unknown>> = {
  openai: {},
  azure_openai: { api_version: '2024-10-21' },
  anthropic: {},
  gemini: {},
  mock: { chunk_delay_ms: 0 },
};

function optionsText(options: Record<string, unknown>): string {
  return Object.keys(options).length === 0 ? '' : JSON.stringify(options, null, 2);
}

/** The form's options text as an object, or null when it is not a JSON object. */
export function parseOptions(text: string): Record<string, unknown> | null {
  if (!text.trim()) return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function ProviderDialog({ open, provider, onOpenChange }: { open: boolean; provider: ProviderRead | null; onOpenChange: (open: boolean) => void }) {
  const { t } = useTranslation();
  const { toast } = useToast();
  const create = useCreateProvider();
  const update = useUpdateProvider();
  const mutation = provider ? update : create;
  const [kind, setKind] = useState<ProviderKind>(provider?.kind ?? 'openai');
  const [name, setName] = useState(provider?.name ?? '');
  const [baseUrl, setBaseUrl] = useState(provider?.base_url ?? '');
  const [apiKey, setApiKey] = useState('');
  const [removeKey, setRemoveKey] = useState(false);
  const [timeout, setTimeoutValue] = useState(String(provider?.timeout_seconds ?? 60));
  const [enabled, setEnabled] = useState(provider?.enabled ?? true);
  const [options, setOptions] = useState(optionsText(provider?.options ?? OPTION_TEMPLATES.openai));
  const [optionsError, setOptionsError] = useState<string | undefined>();

  const submit = () => {
    const parsed = parseOptions(options);
    if (parsed === null) {
      setOptionsError(t('providers.form.optionsInvalid'));
      return;
    }
    setOptionsError(undefined);
    const common = {
      name: name.trim(),
      // The mock has no address (the form hides the field).
      base_url: (provider?.kind ?? kind) === 'mock' ? null : baseUrl.trim() || null,
      options: parsed,
      timeout_seconds: Number(timeout) || 60,
      enabled,
    };
    const done = () => {
      toast({ title: provider ? t('providers.saved', { name: common.name }) : t('providers.created', { name: common.name }), variant: 'success' });
      onOpenChange(false);
    };
    const kindNow = provider?.kind ?? kind;
    if (provider) {
      // An empty key field keeps the saved key; a new one replaces it; the box removes it.
      const body = { ...common, kind: kindNow, ...(apiKey ? { api_key: apiKey } : removeKey ? { api_key: null } : {}) };
      if (!body.base_url) delete (body as { base_url?: string | null }).base_url;
      update.mutate({ id: provider.id, body: body as ProviderUpdateBody }, { onSuccess: done });
    } else {
      create.mutate({ ...common, kind: kindNow, api_key: apiKey || null } as ProviderCreateBody, { onSuccess: done });
    }
  };

  const shown = ['kind', 'name', 'base_url', 'api_key', 'timeout_seconds', 'enabled', 'options'];
  // Field errors come with the kind in their path (`mock.options.latency_ms`): place them by field.
  const errors: Record<string, string> = {};
  const unplaced: string[] = [];
  if (isApiError(mutation.error)) {
    for (const [name, text] of Object.entries(mutation.error.fieldErrors)) {
      const field = providerField(name, provider?.kind ?? kind);
      if (shown.includes(field) && !(field in errors)) errors[field] = field === 'options' && name.includes('options.') ? `${name.split('options.')[1]}: ${text}` : text;
      else if (!shown.includes(field)) unplaced.push(name ? `${name}: ${text}` : text);
    }
  }
  const fieldError = (_error: unknown, field: string) => errors[field];
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent title={provider ? t('providers.form.editTitle', { name: provider.name }) : t('providers.form.addTitle')} description={t('providers.form.description')} className="max-w-xl">
        <form
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <FormError error={mutation.error} extra={unplaced} />
          {!provider && (
            <SelectField
              label={t('providers.form.kind')}
              value={kind}
              onValueChange={(value) => {
                const next = value as ProviderKind;
                // Swap the options template while the person has not written their own.
                if (options.trim() === optionsText(OPTION_TEMPLATES[kind]).trim()) setOptions(optionsText(OPTION_TEMPLATES[next]));
                setKind(next);
              }}
              hint={t(`providers.kindHint.${kind}`)}
              options={PROVIDER_KINDS.map((k) => ({ value: k, label: t(`providers.kinds.${k}`) }))}
              error={fieldError(mutation.error, 'kind')}
            />
          )}
          <TextField label={t('providers.form.name')} required value={name} onChange={(e) => setName(e.target.value)} error={fieldError(mutation.error, 'name')} />
          {(provider?.kind ?? kind) !== 'mock' && (
            <>
          <TextField
            label={t('providers.form.baseUrl')}
            dir="ltr"
            type="url"
            inputMode="url"
            placeholder={t(`providers.baseUrlPlaceholder.${provider?.kind ?? kind}`)}
            hint={t('providers.form.baseUrlHint')}
            value={baseUrl}
            onChange={(e) => setBaseUrl(e.target.value)}
            error={fieldError(mutation.error, 'base_url')}
          />
          <TextField
            label={t('providers.form.apiKey')}
            type="password"
            autoComplete="new-password"
            dir="ltr"
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
            hint={provider?.has_api_key ? t('providers.form.apiKeyKeep', { hint: provider.api_key_hint ?? '' }) : t('providers.form.apiKeyHint')}
            error={fieldError(mutation.error, 'api_key')}
          />
          {provider?.has_api_key && (
            <Checkbox checked={removeKey && !apiKey} disabled={Boolean(apiKey)} onCheckedChange={setRemoveKey} label={t('providers.form.removeKey')} />
          )}
            </>
          )}
          <TextField
            label={t('providers.form.timeout')}
            type="number"
            min={1}
            max={600}
            value={timeout}
            onChange={(e) => setTimeoutValue(e.target.value)}
            error={fieldError(mutation.error, 'timeout_seconds')}
            fieldClassName="max-w-48"
          />
          <TextAreaField
            label={t('providers.form.options')}
            dir="ltr"
            spellCheck={false}
            className="min-h-24 font-mono text-xs"
            value={options}
            onChange={(e) => setOptions(e.target.value)}
            hint={t(`providers.optionsHint.${provider?.kind ?? kind}`)}
            error={optionsError ?? fieldError(mutation.error, 'options')}
          />
          <Checkbox checked={enabled} onCheckedChange={setEnabled} label={t('providers.form.enabled')} description={t('providers.form.enabledHint')} />
          <div className="flex justify-end gap-2">
            <DialogClose asChild>
              <Button variant="outline">{t('common.cancel')}</Button>
            </DialogClose>
            <Button type="submit" loading={mutation.isPending}>
              {provider ? t('common.save') : t('providers.form.add')}
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}

/** The outcome of the last "Test connection", announced. */
function TestOutcome({ provider, result, error }: { provider: string; result: ProviderTestResult | undefined; error: unknown }) {
  const { t } = useTranslation();
  const money = useMoney();
  if (error) {
    return (
      <Alert tone="danger" title={t('providers.test.failedTitle', { name: provider })}>
        {isApiError(error) ? error.detail : t('errors.unknown')}
      </Alert>
    );
  }
  if (!result) return null;
  return result.ok ? (
    <Alert tone="success" title={t('providers.test.okTitle', { name: provider })}>
      {t('providers.test.latency', { latency: money.duration(result.latency_ms) })}
    </Alert>
  ) : (
    <Alert tone="danger" title={t('providers.test.failedTitle', { name: provider })}>
      <p>{result.message || t(`providers.failure.${result.error ?? 'unknown'}`, { defaultValue: result.error ?? '' })}</p>
      {result.error && (
        <p className="text-xs text-fg-muted">
          {t('providers.test.code')} <code dir="ltr">{result.error}</code>
        </p>
      )}
    </Alert>
  );
}

export function ProvidersPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { toast } = useToast();
  const me = useMe();
  const canManage = hasPermission(me.data, 'providers:manage');
  const providers = useQuery(providersQuery);
  const test = useTestProvider();
  const remove = useDeleteProvider();
  const [editing, setEditing] = useState<ProviderRead | 'new' | null>(null);
  const [deleting, setDeleting] = useState<ProviderRead | null>(null);
  const [tested, setTested] = useState<ProviderRead | null>(null);

  const runTest = (provider: ProviderRead) => {
    setTested(provider);
    test.mutate(provider.id);
  };

  const columns: Column<ProviderRead>[] = [
    {
      id: 'name',
      header: t('providers.columns.name'),
      sortValue: (p) => p.name,
      cell: (p) => (
        <div className="flex flex-col gap-1">
          <span className="flex flex-wrap items-center gap-2 font-medium">
            {p.name}
            {p.shared && <Badge tone="primary">{t('providers.shared')}</Badge>}
            {!p.enabled && <Badge tone="warning">{t('providers.disabled')}</Badge>}
          </span>
          {p.base_url && (
            <code dir="ltr" className="text-xs break-all text-fg-muted">
              {p.base_url}
            </code>
          )}
        </div>
      ),
    },
    { id: 'kind', header: t('providers.columns.kind'), sortValue: (p) => p.kind, cell: (p) => t(`providers.kinds.${p.kind}`) },
    {
      id: 'key',
      header: t('providers.columns.apiKey'),
      cell: (p) =>
        p.has_api_key ? (
          <code dir="ltr" className="text-xs" aria-label={t('providers.keyHintLabel', { hint: p.api_key_hint ?? '' })}>
            …{p.api_key_hint ?? ''}
          </code>
        ) : (
          <span className="text-fg-muted">{t('providers.noKey')}</span>
        ),
    },
    {
      id: 'lastTest',
      header: t('providers.columns.lastTest'),
      cell: (p) =>
        p.last_tested_at === null ? (
          <span className="text-fg-muted">{t('providers.neverTested')}</span>
        ) : (
          <div className="flex flex-col items-start gap-0.5">
            <Badge tone={p.last_test_ok ? 'success' : 'danger'}>{p.last_test_ok ? t('providers.test.ok') : t('providers.test.failed')}</Badge>
            <span className="text-xs text-fg-muted">{fmt.relative(p.last_tested_at)}</span>
          </div>
        ),
    },
    {
      id: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      align: 'end',
      cell: (p) =>
        canManage && !p.shared ? (
          <div className="flex justify-end gap-1">
            <Button variant="outline" size="sm" loading={test.isPending && tested?.id === p.id} onClick={() => runTest(p)} aria-label={t('providers.test.named', { name: p.name })}>
              <PlugZap aria-hidden className="size-3.5" />
              {t('providers.test.button')}
            </Button>
            <Button variant="ghost" size="sm" onClick={() => setEditing(p)} aria-label={t('providers.editNamed', { name: p.name })}>
              <Pencil aria-hidden className="size-3.5" />
              {t('providers.edit')}
            </Button>
            <Button variant="ghost" size="sm" onClick={() => setDeleting(p)} aria-label={t('providers.deleteNamed', { name: p.name })}>
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
        title={t('providers.title')}
        description={t('providers.description')}
        actions={
          canManage && (
            <Button onClick={() => setEditing('new')}>
              <Plus aria-hidden className="size-4" />
              {t('providers.add')}
            </Button>
          )
        }
      />
      <div aria-live="polite" className="mb-4 empty:hidden">
        {tested && !test.isPending && <TestOutcome provider={tested.name} result={test.data} error={test.error} />}
      </div>
      <DataTable
        caption={t('providers.tableCaption')}
        columns={columns}
        rows={providers.data?.items}
        rowKey={(p) => p.id}
        isLoading={providers.isPending}
        error={providers.error}
        onRetry={() => void providers.refetch()}
        empty={
          <EmptyState
            icon={<Server aria-hidden className="size-5" />}
            title={t('providers.empty')}
            description={t('providers.emptyBody')}
            action={
              canManage && (
                <Button size="sm" onClick={() => setEditing('new')}>
                  {t('providers.add')}
                </Button>
              )
            }
          />
        }
      />
      {editing && <ProviderDialog open provider={editing === 'new' ? null : editing} onOpenChange={(open) => !open && setEditing(null)} />}
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title={t('providers.deleteTitle', { name: deleting?.name })}
        description={t('providers.deleteDescription')}
        confirmLabel={t('common.delete')}
        pending={remove.isPending}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              toast({ title: t('providers.deleted', { name: deleting.name }), variant: 'success' });
              setDeleting(null);
            },
            onError: (e) => toast({ title: isApiError(e) ? e.detail : t('errors.unknown'), variant: 'error' }),
          })
        }
      />
    </>
  );
}
