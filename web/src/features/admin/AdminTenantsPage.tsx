import { Plus } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdminTenantRead } from '@/client';
import { PageHeader } from '@/components/layout/PageHeader';
import { FormError } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Dialog, DialogClose, DialogContent } from '@/components/ui/dialog';
import { DataTable, type Column } from '@/components/ui/data-table';
import { TextAreaField, TextField } from '@/components/ui/input';
import { EmptyState } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { usePagedQuery } from '@/components/ui/use-cursor-pagination';
import { useFormat } from '@/lib/format';
import { fieldError, isApiError, unplacedFieldErrors } from '@/lib/problem';
import { fetchAdminTenants, useAdminCreateTenant, useReactivateTenant, useSuspendTenant } from './api';
import { SearchBox } from './SearchBox';

function SuspendDialog({ tenant, onClose }: { tenant: AdminTenantRead | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { toast } = useToast();
  const suspend = useSuspendTenant();
  const [reason, setReason] = useState('');
  return (
    <Dialog
      open={tenant !== null}
      onOpenChange={(open) => {
        if (!open) {
          onClose();
          suspend.reset();
          setReason('');
        }
      }}
    >
      <DialogContent title={t('admin.tenants.suspendTitle', { name: tenant?.name })} description={t('admin.tenants.suspendDescription')}>
        <form
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            if (!tenant) return;
            suspend.mutate(
              { tenantId: tenant.id, reason },
              {
                onSuccess: () => {
                  toast({ title: t('admin.tenants.suspended', { name: tenant.name }), variant: 'success' });
                  onClose();
                  setReason('');
                },
              },
            );
          }}
        >
          <FormError error={suspend.error} extra={unplacedFieldErrors(suspend.error, ['reason'])} />
          <TextAreaField label={t('admin.reason')} required value={reason} onChange={(e) => setReason(e.target.value)} error={fieldError(suspend.error, 'reason')} />
          <div className="flex justify-end gap-2">
            <DialogClose asChild>
              <Button variant="outline">{t('common.cancel')}</Button>
            </DialogClose>
            <Button type="submit" variant="danger" loading={suspend.isPending}>
              {t('admin.tenants.suspend')}
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function CreateTenantDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const { t } = useTranslation();
  const { toast } = useToast();
  const create = useAdminCreateTenant();
  const [name, setName] = useState('');
  const [ownerEmail, setOwnerEmail] = useState('');
  const [slug, setSlug] = useState('');
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        onOpenChange(next);
        if (!next) create.reset();
      }}
    >
      <DialogContent title={t('admin.tenants.createTitle')} description={t('admin.tenants.createDescription')}>
        <form
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate(
              { name, owner_email: ownerEmail, slug: slug.trim() || null },
              {
                onSuccess: (tenant) => {
                  toast({ title: t('admin.tenants.created', { name: tenant.name }), variant: 'success' });
                  onOpenChange(false);
                  setName('');
                  setOwnerEmail('');
                  setSlug('');
                },
              },
            );
          }}
        >
          <FormError error={create.error} extra={unplacedFieldErrors(create.error, ['name', 'owner_email', 'slug'])} />
          <TextField label={t('onboarding.name')} required value={name} onChange={(e) => setName(e.target.value)} error={fieldError(create.error, 'name')} />
          <TextField label={t('admin.tenants.ownerEmail')} type="email" required value={ownerEmail} onChange={(e) => setOwnerEmail(e.target.value)} error={fieldError(create.error, 'owner_email')} />
          <TextField label={t('onboarding.slug')} dir="ltr" value={slug} onChange={(e) => setSlug(e.target.value)} hint={t('onboarding.slugHint')} error={fieldError(create.error, 'slug')} />
          <div className="flex justify-end gap-2">
            <DialogClose asChild>
              <Button variant="outline">{t('common.cancel')}</Button>
            </DialogClose>
            <Button type="submit" loading={create.isPending}>
              {t('admin.tenants.create')}
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}

export function AdminTenantsPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { toast } = useToast();
  const [filters, setFilters] = useState({ q: '' });
  const { query, rows, pagination } = usePagedQuery({ queryKey: ['admin', 'tenants'], filters, fetchPage: fetchAdminTenants });
  const reactivate = useReactivateTenant();
  const [suspending, setSuspending] = useState<AdminTenantRead | null>(null);
  const [creating, setCreating] = useState(false);

  const columns: Column<AdminTenantRead>[] = [
    {
      id: 'name',
      header: t('admin.tenants.name'),
      sortValue: (r) => r.name,
      cell: (r) => (
        <div className="flex flex-col">
          <span className="font-medium">{r.name}</span>
          <span dir="ltr" className="text-xs text-fg-muted">
            {r.slug}
          </span>
        </div>
      ),
    },
    {
      id: 'status',
      header: t('admin.tenants.status'),
      sortValue: (r) => r.status,
      cell: (r) => (
        <div className="flex flex-col gap-1">
          <Badge tone={r.status === 'active' ? 'success' : 'danger'} className="self-start">
            {t(`admin.tenants.statuses.${r.status}`)}
          </Badge>
          {r.suspended_reason && <span className="text-xs text-fg-muted">{r.suspended_reason}</span>}
        </div>
      ),
    },
    { id: 'created', header: t('admin.created'), sortValue: (r) => r.created_at, cell: (r) => fmt.date(r.created_at) },
    {
      id: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      align: 'end',
      cell: (r) =>
        r.status === 'active' ? (
          <Button variant="ghost" size="sm" onClick={() => setSuspending(r)} aria-label={t('admin.tenants.suspendNamed', { name: r.name })}>
            {t('admin.tenants.suspend')}
          </Button>
        ) : (
          <Button
            variant="ghost"
            size="sm"
            loading={reactivate.isPending && reactivate.variables === r.id}
            aria-label={t('admin.tenants.reactivateNamed', { name: r.name })}
            onClick={() =>
              reactivate.mutate(r.id, {
                onSuccess: () => toast({ title: t('admin.tenants.reactivated', { name: r.name }), variant: 'success' }),
                onError: (e) => toast({ title: isApiError(e) ? e.detail : t('errors.unknown'), variant: 'error' }),
              })
            }
          >
            {t('admin.tenants.reactivate')}
          </Button>
        ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('admin.tenants.title')}
        description={t('admin.tenants.description')}
        actions={
          <Button onClick={() => setCreating(true)}>
            <Plus aria-hidden className="size-4" />
            {t('admin.tenants.create')}
          </Button>
        }
      />
      <DataTable
        caption={t('admin.tenants.title')}
        columns={columns}
        rows={rows}
        rowKey={(r) => r.id}
        isLoading={query.isPending}
        error={query.error}
        onRetry={() => void query.refetch()}
        pagination={pagination}
        toolbar={<SearchBox label={t('admin.tenants.search')} onSearch={(q) => setFilters({ q })} />}
        empty={<EmptyState title={t('admin.tenants.empty')} />}
      />
      <SuspendDialog tenant={suspending} onClose={() => setSuspending(null)} />
      <CreateTenantDialog open={creating} onOpenChange={setCreating} />
    </>
  );
}
