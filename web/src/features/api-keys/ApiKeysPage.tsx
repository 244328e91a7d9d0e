import { KeyRound, Plus, RotateCw, ShieldOff, TriangleAlert } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiKeyCreated, ApiKeyRead, Scope } from '@/client';
import { PageHeader } from '@/components/layout/PageHeader';
import { Alert, FormError } from '@/components/ui/alert';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { CopyButton } from '@/components/ui/copy-button';
import { ConfirmDialog, Dialog, DialogClose, DialogContent } from '@/components/ui/dialog';
import { DataTable, type Column } from '@/components/ui/data-table';
import { TextField } from '@/components/ui/input';
import { SelectField } from '@/components/ui/select';
import { EmptyState } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { InfoTip } from '@/components/ui/tooltip';
import { usePagedQuery } from '@/components/ui/use-cursor-pagination';
import { useFormat } from '@/lib/format';
import { fieldError, isApiError, unplacedFieldErrors } from '@/lib/problem';
import {
  EXPIRY_CHOICES,
  expiryFromChoice,
  fetchApiKeys,
  GRACE_CHOICES,
  SCOPES,
  useCreateApiKey,
  useRevokeApiKey,
  useRotateApiKey,
  type ExpiryChoice,
} from './api';

function scopeKey(scope: string): string {
  return scope.replace(':', '_');
}

/** The secret, shown once: copy it now or never see it again. */
function SecretDialog({ created, onClose }: { created: ApiKeyCreated | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={created !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent
        modalOnly
        title={t('apiKeys.secret.title')}
        description={t('apiKeys.secret.description', { name: created?.name })}
        footer={
          <DialogClose asChild>
            <Button>{t('apiKeys.secret.done')}</Button>
          </DialogClose>
        }
      >
        {created && (
          <div className="flex flex-col gap-3">
            <Alert tone="warning">{t('apiKeys.secret.once')}</Alert>
            <label htmlFor="api-key-secret" className="text-sm font-medium">
              {t('apiKeys.secret.label')}
            </label>
            <div className="flex items-center gap-2">
              <input
                id="api-key-secret"
                readOnly
                dir="ltr"
                value={created.secret}
                onFocus={(e) => e.currentTarget.select()}
                className="h-10 w-full rounded-md border border-border-strong bg-surface-muted px-3 font-mono text-xs"
              />
              <CopyButton value={created.secret} />
            </div>
          </div>
        )}
      </DialogContent>
    </Dialog>
  );
}

function CreateDialog({ open, onOpenChange, onCreated }: { open: boolean; onOpenChange: (open: boolean) => void; onCreated: (key: ApiKeyCreated) => void }) {
  const { t } = useTranslation();
  const create = useCreateApiKey();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['engines:execute']);
  const [expiry, setExpiry] = useState<ExpiryChoice>('90');
  const [rateLimit, setRateLimit] = useState('');

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        onOpenChange(next);
        if (!next) create.reset();
      }}
    >
      <DialogContent title={t('apiKeys.create.title')} description={t('apiKeys.create.description')}>
        <form
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate(
              { name, scopes, expires_at: expiryFromChoice(expiry), rate_limit: rateLimit.trim() || null },
              {
                onSuccess: (key) => {
                  onOpenChange(false);
                  setName('');
                  onCreated(key);
                },
              },
            );
          }}
        >
          <FormError error={create.error} extra={unplacedFieldErrors(create.error, ['name', 'scopes', 'expires_at', 'rate_limit'])} />
          <TextField label={t('apiKeys.name')} required value={name} onChange={(e) => setName(e.target.value)} error={fieldError(create.error, 'name')} />
          <fieldset className="flex flex-col gap-2.5" aria-describedby={fieldError(create.error, 'scopes') ? 'scopes-error' : undefined}>
            <legend className="mb-1 text-sm font-medium">{t('apiKeys.scopes')}</legend>
            {SCOPES.map((scope) => (
              <Checkbox
                key={scope}
                label={<span className="font-mono text-xs">{scope}</span>}
                description={t(`apiKeys.scope.${scopeKey(scope)}`)}
                checked={scopes.includes(scope)}
                onCheckedChange={(checked) => setScopes((current) => (checked ? [...current, scope] : current.filter((s) => s !== scope)))}
              />
            ))}
            {fieldError(create.error, 'scopes') && (
              <p id="scopes-error" className="text-xs font-medium text-danger-text">
                {fieldError(create.error, 'scopes')}
              </p>
            )}
          </fieldset>
          <SelectField
            label={t('apiKeys.expiry')}
            value={expiry}
            onValueChange={(v) => setExpiry(v as ExpiryChoice)}
            options={EXPIRY_CHOICES.map((c) => ({ value: c, label: c === 'never' ? t('apiKeys.expiryNever') : t('apiKeys.expiryDays', { count: Number(c) }) }))}
            error={fieldError(create.error, 'expires_at')}
          />
          <TextField
            label={t('apiKeys.rateLimit')}
            labelExtra={<InfoTip content={t('apiKeys.rateLimitHelp')} />}
            dir="ltr"
            placeholder={t('apiKeys.rateLimitPlaceholder')}
            value={rateLimit}
            onChange={(e) => setRateLimit(e.target.value)}
            error={fieldError(create.error, 'rate_limit')}
          />
          <div className="flex justify-end gap-2">
            <DialogClose asChild>
              <Button variant="outline">{t('common.cancel')}</Button>
            </DialogClose>
            <Button type="submit" loading={create.isPending}>
              {t('apiKeys.create.submit')}
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function RotateDialog({ apiKey, onClose, onRotated }: { apiKey: ApiKeyRead | null; onClose: () => void; onRotated: (key: ApiKeyCreated) => void }) {
  const { t } = useTranslation();
  const rotate = useRotateApiKey();
  const [grace, setGrace] = useState('86400');
  return (
    <Dialog
      open={apiKey !== null}
      onOpenChange={(open) => {
        if (!open) {
          onClose();
          rotate.reset();
        }
      }}
    >
      <DialogContent
        title={t('apiKeys.rotate.title', { name: apiKey?.name })}
        description={t('apiKeys.rotate.description')}
        footer={
          <>
            <DialogClose asChild>
              <Button variant="outline">{t('common.cancel')}</Button>
            </DialogClose>
            <Button
              loading={rotate.isPending}
              onClick={() =>
                apiKey &&
                rotate.mutate(
                  { keyId: apiKey.id, graceSeconds: Number(grace) },
                  {
                    onSuccess: (key) => {
                      onClose();
                      onRotated(key);
                    },
                  },
                )
              }
            >
              <RotateCw aria-hidden className="size-4" />
              {t('apiKeys.rotate.submit')}
            </Button>
          </>
        }
      >
        <div className="flex flex-col gap-4">
          <FormError error={rotate.error} />
          <SelectField
            label={t('apiKeys.rotate.grace')}
            value={grace}
            onValueChange={setGrace}
            hint={t('apiKeys.rotate.graceHint')}
            options={GRACE_CHOICES.map((s) => ({ value: String(s), label: t(`apiKeys.rotate.graceOption.${s}`) }))}
          />
        </div>
      </DialogContent>
    </Dialog>
  );
}

const statusTone: Record<string, BadgeTone> = { active: 'success', revoked: 'neutral', expired: 'warning' };

export function ApiKeysPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { toast } = useToast();
  const { query, rows, pagination } = usePagedQuery({ queryKey: ['api-keys'], filters: null, fetchPage: fetchApiKeys });
  const revoke = useRevokeApiKey();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<ApiKeyCreated | null>(null);
  const [rotating, setRotating] = useState<ApiKeyRead | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyRead | null>(null);

  const columns: Column<ApiKeyRead>[] = [
    {
      id: 'name',
      header: t('apiKeys.name'),
      sortValue: (k) => k.name,
      cell: (k) => (
        <div className="flex flex-col">
          <span className="font-medium">{k.name}</span>
          <code dir="ltr" className="text-xs text-fg-muted">
            {k.prefix}…
          </code>
        </div>
      ),
    },
    {
      id: 'scopes',
      header: t('apiKeys.scopes'),
      cell: (k) => (
        <div className="flex max-w-64 flex-wrap gap-1">
          {k.scopes.map((s) => (
            <Badge key={s} className="font-mono">
              {s}
            </Badge>
          ))}
        </div>
      ),
    },
    {
      id: 'status',
      header: t('apiKeys.status'),
      sortValue: (k) => k.status,
      cell: (k) => <Badge tone={statusTone[k.status] ?? 'neutral'}>{t(`apiKeys.statuses.${k.status}`, { defaultValue: k.status })}</Badge>,
    },
    { id: 'usage', header: t('apiKeys.usage'), align: 'end', sortValue: (k) => k.usage_count, cell: (k) => fmt.number(k.usage_count) },
    { id: 'lastUsed', header: t('apiKeys.lastUsed'), sortValue: (k) => k.last_used_at ?? '', cell: (k) => (k.last_used_at ? fmt.relative(k.last_used_at) : t('apiKeys.never')) },
    { id: 'expires', header: t('apiKeys.expires'), sortValue: (k) => k.expires_at ?? '9999', cell: (k) => (k.expires_at ? fmt.date(k.expires_at) : t('apiKeys.never')) },
    {
      id: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      align: 'end',
      cell: (k) =>
        k.status === 'active' ? (
          <div className="flex justify-end gap-1">
            <Button variant="ghost" size="sm" onClick={() => setRotating(k)} aria-label={t('apiKeys.rotate.named', { name: k.name })}>
              <RotateCw aria-hidden className="size-3.5" />
              {t('apiKeys.rotate.button')}
            </Button>
            <Button variant="ghost" size="sm" onClick={() => setRevoking(k)} aria-label={t('apiKeys.revoke.named', { name: k.name })}>
              <ShieldOff aria-hidden className="size-3.5" />
              {t('apiKeys.revoke.button')}
            </Button>
          </div>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader
        title={t('apiKeys.title')}
        description={t('apiKeys.description')}
        actions={
          <Button onClick={() => setCreating(true)}>
            <Plus aria-hidden className="size-4" />
            {t('apiKeys.create.button')}
          </Button>
        }
      />
      <DataTable
        caption={t('apiKeys.tableCaption')}
        columns={columns}
        rows={rows}
        rowKey={(k) => k.id}
        isLoading={query.isPending}
        error={query.error}
        onRetry={() => void query.refetch()}
        pagination={pagination}
        empty={
          <EmptyState
            icon={<KeyRound aria-hidden className="size-5" />}
            title={t('apiKeys.empty')}
            description={t('apiKeys.emptyBody')}
            action={
              <Button size="sm" onClick={() => setCreating(true)}>
                {t('apiKeys.create.button')}
              </Button>
            }
          />
        }
      />
      <CreateDialog open={creating} onOpenChange={setCreating} onCreated={setSecret} />
      <RotateDialog apiKey={rotating} onClose={() => setRotating(null)} onRotated={setSecret} />
      <SecretDialog created={secret} onClose={() => setSecret(null)} />
      <ConfirmDialog
        open={revoking !== null}
        onOpenChange={(open) => !open && setRevoking(null)}
        title={t('apiKeys.revoke.title', { name: revoking?.name })}
        description={t('apiKeys.revoke.description')}
        confirmLabel={t('apiKeys.revoke.button')}
        pending={revoke.isPending}
        onConfirm={() =>
          revoking &&
          revoke.mutate(revoking.id, {
            onSuccess: () => {
              toast({ title: t('apiKeys.revoke.done'), variant: 'success' });
              setRevoking(null);
            },
            onError: (e) => toast({ title: isApiError(e) ? e.detail : t('errors.unknown'), variant: 'error' }),
          })
        }
      >
        <p className="flex items-center gap-2 text-sm text-danger-text">
          <TriangleAlert aria-hidden className="size-4" />
          {t('apiKeys.revoke.warning')}
        </p>
      </ConfirmDialog>
    </>
  );
}
