import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { UserRoundCog } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdminUserRead } from '@/client';
import { PageHeader } from '@/components/layout/PageHeader';
import { Alert, FormError } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Dialog, DialogClose, DialogContent } from '@/components/ui/dialog';
import { DataTable, type Column } from '@/components/ui/data-table';
import { TextAreaField } from '@/components/ui/input';
import { SelectField } from '@/components/ui/select';
import { EmptyState } from '@/components/ui/states';
import { usePagedQuery } from '@/components/ui/use-cursor-pagination';
import { useMe } from '@/features/session/api';
import { useFormat } from '@/lib/format';
import { startImpersonation } from '@/lib/impersonation';
import { fieldError, unplacedFieldErrors } from '@/lib/problem';
import { fetchAdminUsers, useImpersonate } from './api';
import { SearchBox } from './SearchBox';

const MINUTES = [5, 15, 30, 60] as const;

function ImpersonateDialog({ user, onClose }: { user: AdminUserRead | null; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const impersonate = useImpersonate();
  const [reason, setReason] = useState('');
  const [minutes, setMinutes] = useState('15');
  return (
    <Dialog
      open={user !== null}
      onOpenChange={(open) => {
        if (!open) {
          onClose();
          impersonate.reset();
        }
      }}
    >
      <DialogContent title={t('admin.users.impersonateTitle', { name: user?.name || user?.email })} description={t('admin.users.impersonateDescription')}>
        <form
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            if (!user) return;
            impersonate.mutate(
              { user_id: user.id, reason, minutes: Number(minutes) },
              {
                onSuccess: async (session) => {
                  startImpersonation({
                    accessToken: session.access_token,
                    expiresAt: session.expires_at,
                    userId: session.user_id,
                    userLabel: user.name ? `${user.name} (${user.email})` : user.email,
                  });
                  onClose();
                  // Everything cached is the admin's view: start over as the user.
                  queryClient.clear();
                  await navigate({ to: '/' });
                },
              },
            );
          }}
        >
          <Alert tone="warning">{t('admin.users.impersonateAudit')}</Alert>
          <FormError error={impersonate.error} extra={unplacedFieldErrors(impersonate.error, ['reason', 'minutes'])} />
          <TextAreaField label={t('admin.reason')} required value={reason} onChange={(e) => setReason(e.target.value)} error={fieldError(impersonate.error, 'reason')} />
          <SelectField
            label={t('admin.users.duration')}
            value={minutes}
            onValueChange={setMinutes}
            options={MINUTES.map((m) => ({ value: String(m), label: t('admin.users.minutes', { count: m }) }))}
            error={fieldError(impersonate.error, 'minutes')}
          />
          <div className="flex justify-end gap-2">
            <DialogClose asChild>
              <Button variant="outline">{t('common.cancel')}</Button>
            </DialogClose>
            <Button type="submit" loading={impersonate.isPending}>
              {t('admin.users.impersonate')}
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}

export function AdminUsersPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const me = useMe();
  const [filters, setFilters] = useState({ q: '' });
  const { query, rows, pagination } = usePagedQuery({ queryKey: ['admin', 'users'], filters, fetchPage: fetchAdminUsers });
  const [impersonating, setImpersonating] = useState<AdminUserRead | null>(null);

  const columns: Column<AdminUserRead>[] = [
    {
      id: 'name',
      header: t('admin.users.user'),
      sortValue: (u) => u.name || u.email,
      cell: (u) => (
        <div className="flex flex-col">
          <span className="font-medium">{u.name || u.email}</span>
          <span className="text-xs text-fg-muted">{u.email}</span>
        </div>
      ),
    },
    {
      id: 'status',
      header: t('admin.users.status'),
      cell: (u) => (
        <div className="flex flex-wrap gap-1">
          {u.is_superadmin && <Badge tone="primary">{t('admin.users.superadmin')}</Badge>}
          <Badge tone={u.email_verified ? 'success' : 'warning'}>{u.email_verified ? t('admin.users.verified') : t('admin.users.unverified')}</Badge>
          {!u.is_active && <Badge tone="danger">{t('admin.users.inactive')}</Badge>}
          {u.locked && <Badge tone="danger">{t('admin.users.locked')}</Badge>}
        </div>
      ),
    },
    { id: 'lastLogin', header: t('admin.users.lastLogin'), sortValue: (u) => u.last_login_at ?? '', cell: (u) => (u.last_login_at ? fmt.relative(u.last_login_at) : t('apiKeys.never')) },
    { id: 'created', header: t('admin.created'), sortValue: (u) => u.created_at, cell: (u) => fmt.date(u.created_at) },
    {
      id: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      align: 'end',
      cell: (u) =>
        u.id !== me.data?.user.id && u.is_active ? (
          <Button variant="ghost" size="sm" onClick={() => setImpersonating(u)} aria-label={t('admin.users.impersonateNamed', { name: u.name || u.email })}>
            <UserRoundCog aria-hidden className="size-3.5" />
            {t('admin.users.impersonate')}
          </Button>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader title={t('admin.users.title')} description={t('admin.users.description')} />
      <DataTable
        caption={t('admin.users.title')}
        columns={columns}
        rows={rows}
        rowKey={(u) => u.id}
        isLoading={query.isPending}
        error={query.error}
        onRetry={() => void query.refetch()}
        pagination={pagination}
        toolbar={<SearchBox label={t('admin.users.search')} onSearch={(q) => setFilters({ q })} />}
        empty={<EmptyState title={t('admin.users.empty')} />}
      />
      <ImpersonateDialog user={impersonating} onClose={() => setImpersonating(null)} />
    </>
  );
}
