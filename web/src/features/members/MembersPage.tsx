import { MailPlus, Trash2, UserPlus } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { InvitationRead, MemberRead, Role } from '@/client';
import { PageHeader } from '@/components/layout/PageHeader';
import { FormError } from '@/components/ui/alert';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog, Dialog, DialogClose, DialogContent } from '@/components/ui/dialog';
import { DataTable, type Column } from '@/components/ui/data-table';
import { TextField } from '@/components/ui/input';
import { Select, SelectField } from '@/components/ui/select';
import { EmptyState } from '@/components/ui/states';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { useToast } from '@/components/ui/toast';
import { InfoTip } from '@/components/ui/tooltip';
import { usePagedQuery } from '@/components/ui/use-cursor-pagination';
import { hasPermission, useMe } from '@/features/session/api';
import { useFormat } from '@/lib/format';
import { fieldError, isApiError, unplacedFieldErrors } from '@/lib/problem';
import {
  fetchInvitations,
  fetchMembers,
  invitationStatus,
  ROLES,
  useInvite,
  useRemoveMember,
  useRevokeInvitation,
  useUpdateMemberRole,
  type InvitationStatus,
} from './api';

function InviteDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const { t } = useTranslation();
  const { toast } = useToast();
  const invite = useInvite();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        onOpenChange(next);
        if (!next) invite.reset();
      }}
    >
      <DialogContent title={t('members.invite.title')} description={t('members.invite.description')}>
        <form
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            invite.mutate(
              { email, role },
              {
                onSuccess: (created) => {
                  toast({ title: t('members.invite.sent', { email: created.email }), variant: 'success' });
                  setEmail('');
                  onOpenChange(false);
                },
              },
            );
          }}
        >
          <FormError error={invite.error} extra={unplacedFieldErrors(invite.error, ['email', 'role'])} />
          <TextField label={t('auth.email')} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={fieldError(invite.error, 'email')} />
          <SelectField
            label={t('members.role')}
            value={role}
            onValueChange={(v) => setRole(v as Role)}
            options={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
            hint={t(`roles.${role}Description`)}
            error={fieldError(invite.error, 'role')}
          />
          <div className="flex justify-end gap-2">
            <DialogClose asChild>
              <Button variant="outline">{t('common.cancel')}</Button>
            </DialogClose>
            <Button type="submit" loading={invite.isPending}>
              <MailPlus aria-hidden className="size-4" />
              {t('members.invite.submit')}
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function MembersTable({ canWrite, myUserId }: { canWrite: boolean; myUserId: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { toast } = useToast();
  const { query, rows, pagination } = usePagedQuery({ queryKey: ['members'], filters: null, fetchPage: fetchMembers });
  const updateRole = useUpdateMemberRole();
  const remove = useRemoveMember();
  const [removing, setRemoving] = useState<MemberRead | null>(null);
  const onError = (e: unknown) => toast({ title: isApiError(e) ? e.detail : t('errors.unknown'), variant: 'error' });

  const columns: Column<MemberRead>[] = [
    {
      id: 'name',
      header: t('members.columns.name'),
      sortValue: (m) => m.name || m.email,
      cell: (m) => (
        <div className="flex flex-col">
          <span className="font-medium">
            {m.name || m.email}
            {m.user_id === myUserId && <span className="ms-2 text-xs text-fg-muted">{t('members.you')}</span>}
          </span>
          <span className="text-xs text-fg-muted">{m.email}</span>
        </div>
      ),
    },
    {
      id: 'role',
      header: t('members.role'),
      sortValue: (m) => ROLES.indexOf(m.role),
      cell: (m) =>
        canWrite ? (
          <Select
            aria-label={t('members.roleFor', { name: m.name || m.email })}
            value={m.role}
            onValueChange={(role) =>
              updateRole.mutate(
                { memberId: m.id, role: role as Role },
                { onSuccess: () => toast({ title: t('members.roleChanged'), variant: 'success' }), onError },
              )
            }
            options={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
          />
        ) : (
          <Badge tone={m.role === 'owner' ? 'primary' : 'neutral'}>{t(`roles.${m.role}`)}</Badge>
        ),
    },
    { id: 'joined', header: t('members.columns.joined'), sortValue: (m) => m.created_at, cell: (m) => fmt.date(m.created_at) },
  ];
  if (canWrite) {
    columns.push({
      id: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      align: 'end',
      cell: (m) => (
        <Button variant="ghost" size="sm" onClick={() => setRemoving(m)} aria-label={t('members.removeNamed', { name: m.name || m.email })}>
          <Trash2 aria-hidden className="size-4" />
          {t('members.remove')}
        </Button>
      ),
    });
  }

  return (
    <>
      <DataTable
        caption={t('members.tableCaption')}
        columns={columns}
        rows={rows}
        rowKey={(m) => m.id}
        isLoading={query.isPending}
        error={query.error}
        onRetry={() => void query.refetch()}
        pagination={pagination}
        empty={<EmptyState title={t('members.empty')} />}
      />
      <ConfirmDialog
        open={removing !== null}
        onOpenChange={(open) => !open && setRemoving(null)}
        title={t('members.removeTitle')}
        description={t('members.removeBody', { name: removing?.name || removing?.email })}
        confirmLabel={t('members.remove')}
        pending={remove.isPending}
        onConfirm={() =>
          removing &&
          remove.mutate(removing.id, {
            onSuccess: () => {
              toast({ title: t('members.removed'), variant: 'success' });
              setRemoving(null);
            },
            onError,
          })
        }
      />
    </>
  );
}

const statusTone: Record<InvitationStatus, BadgeTone> = { pending: 'primary', accepted: 'success', revoked: 'neutral', expired: 'warning' };

function InvitationsTable({ canWrite, onInvite }: { canWrite: boolean; onInvite: () => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { toast } = useToast();
  const { query, rows, pagination } = usePagedQuery({ queryKey: ['invitations'], filters: null, fetchPage: fetchInvitations });
  const revoke = useRevokeInvitation();
  const [revoking, setRevoking] = useState<InvitationRead | null>(null);

  const columns: Column<InvitationRead>[] = [
    { id: 'email', header: t('auth.email'), sortValue: (i) => i.email, cell: (i) => <span className="font-medium">{i.email}</span> },
    { id: 'role', header: t('members.role'), sortValue: (i) => ROLES.indexOf(i.role ?? 'member'), cell: (i) => t(`roles.${i.role ?? 'member'}`) },
    {
      id: 'status',
      header: t('members.columns.status'),
      sortValue: (i) => invitationStatus(i),
      cell: (i) => {
        const status = invitationStatus(i);
        return <Badge tone={statusTone[status]}>{t(`members.status.${status}`)}</Badge>;
      },
    },
    { id: 'expires', header: t('members.columns.expires'), sortValue: (i) => i.expires_at, cell: (i) => fmt.dateTime(i.expires_at) },
  ];
  if (canWrite) {
    columns.push({
      id: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      align: 'end',
      cell: (i) =>
        invitationStatus(i) === 'pending' ? (
          <Button variant="ghost" size="sm" onClick={() => setRevoking(i)} aria-label={t('members.revokeNamed', { email: i.email })}>
            {t('members.revoke')}
          </Button>
        ) : null,
    });
  }
  return (
    <>
      <DataTable
        caption={t('members.invitationsCaption')}
        columns={columns}
        rows={rows}
        rowKey={(i) => i.id}
        isLoading={query.isPending}
        error={query.error}
        onRetry={() => void query.refetch()}
        pagination={pagination}
        empty={
          <EmptyState
            title={t('members.noInvitations')}
            description={t('members.noInvitationsBody')}
            action={
              canWrite ? (
                <Button size="sm" onClick={onInvite}>
                  {t('members.invite.button')}
                </Button>
              ) : undefined
            }
          />
        }
      />
      <ConfirmDialog
        open={revoking !== null}
        onOpenChange={(open) => !open && setRevoking(null)}
        title={t('members.revokeTitle')}
        description={t('members.revokeBody', { email: revoking?.email })}
        confirmLabel={t('members.revoke')}
        pending={revoke.isPending}
        onConfirm={() =>
          revoking &&
          revoke.mutate(revoking.id, {
            onSuccess: () => {
              toast({ title: t('members.revoked'), variant: 'success' });
              setRevoking(null);
            },
            onError: (e) => toast({ title: isApiError(e) ? e.detail : t('errors.unknown'), variant: 'error' }),
          })
        }
      />
    </>
  );
}

export function MembersPage() {
  const { t } = useTranslation();
  const me = useMe();
  const canWrite = hasPermission(me.data, 'members:write');
  const [inviting, setInviting] = useState(false);
  return (
    <>
      <PageHeader
        title={t('members.title')}
        description={t('members.description')}
        actions={
          canWrite ? (
            <Button onClick={() => setInviting(true)}>
              <UserPlus aria-hidden className="size-4" />
              {t('members.invite.button')}
            </Button>
          ) : undefined
        }
      />
      <Tabs defaultValue="members">
        <div className="flex items-center gap-2 border-b border-border">
          <TabsList label={t('members.sections')} className="flex-1 border-b-0">
            <TabsTrigger value="members">{t('members.tabMembers')}</TabsTrigger>
            <TabsTrigger value="invitations">{t('members.tabInvitations')}</TabsTrigger>
          </TabsList>
          <InfoTip label={t('members.rolesHelpLabel')} content={t('members.rolesHelp')} />
        </div>
        <TabsContent value="members">
          <MembersTable canWrite={canWrite} myUserId={me.data?.user.id ?? ''} />
        </TabsContent>
        <TabsContent value="invitations">
          <InvitationsTable canWrite={canWrite} onInvite={() => setInviting(true)} />
        </TabsContent>
      </Tabs>
      <InviteDialog open={inviting} onOpenChange={setInviting} />
    </>
  );
}
