import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AuthCard } from '@/components/layout/AuthLayout';
import { Alert, FormError } from '@/components/ui/alert';
import { Button, buttonClasses } from '@/components/ui/button';
import { TextField } from '@/components/ui/input';
import { SkeletonBlock } from '@/components/ui/skeleton';
import { meQuery, useSwitchTenant } from '@/features/session/api';
import { fieldError, unplacedFieldErrors } from '@/lib/problem';
import { useAcceptInvitation } from './api';

export function AcceptInvitationPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { token } = useSearch({ strict: false }) as { token?: string };
  const me = useQuery({ ...meQuery, retry: false });
  const accept = useAcceptInvitation();
  const switchTenant = useSwitchTenant();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const here = `/accept-invitation?token=${encodeURIComponent(token ?? '')}`;

  if (!token) {
    return (
      <AuthCard title={t('auth.invite.title')}>
        <Alert tone="danger">{t('auth.missingToken')}</Alert>
      </AuthCard>
    );
  }
  if (me.isPending) {
    return (
      <AuthCard title={t('auth.invite.title')}>
        <SkeletonBlock label={t('common.loading')} lines={2} />
      </AuthCard>
    );
  }

  if (accept.isSuccess && !me.data) {
    return (
      <AuthCard title={t('auth.invite.joinedTitle', { tenant: accept.data.name })}>
        <div className="flex flex-col gap-4">
          <Alert tone="success">{t('auth.invite.accountCreated')}</Alert>
          <Link to="/login" className={buttonClasses('primary', 'md', 'w-full')}>
            {t('auth.login.submit')}
          </Link>
        </div>
      </AuthCard>
    );
  }

  if (me.data) {
    return (
      <AuthCard title={t('auth.invite.title')} description={t('auth.invite.signedInAs', { email: me.data.user.email })}>
        <div className="flex flex-col gap-4">
          <FormError error={accept.error ?? switchTenant.error} />
          <Button
            className="w-full"
            loading={accept.isPending || switchTenant.isPending}
            onClick={() =>
              accept.mutate(
                { token },
                { onSuccess: (tenant) => switchTenant.mutate(tenant.id, { onSuccess: () => void navigate({ to: '/' }) }) },
              )
            }
          >
            {t('auth.invite.accept')}
          </Button>
          <p className="text-center text-sm text-fg-muted">{t('auth.invite.wrongAccount')}</p>
        </div>
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title={t('auth.invite.title')}
      description={t('auth.invite.createDescription')}
      footer={
        <>
          {t('auth.invite.haveAccount')}{' '}
          <Link to="/login" search={{ redirect: here }} className="font-medium">
            {t('auth.invite.loginToAccept')}
          </Link>
        </>
      }
    >
      <form
        noValidate
        className="flex flex-col gap-4"
        onSubmit={(event) => {
          event.preventDefault();
          accept.mutate({ token, name, password });
        }}
      >
        <FormError error={accept.error} extra={unplacedFieldErrors(accept.error, ['name', 'password', 'token'])} />
        <TextField label={t('auth.name')} autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} error={fieldError(accept.error, 'name')} />
        <TextField
          label={t('auth.password')}
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          hint={t('auth.passwordHint')}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldError(accept.error, 'password')}
        />
        <Button type="submit" loading={accept.isPending} className="w-full">
          {t('auth.invite.createAndJoin')}
        </Button>
      </form>
    </AuthCard>
  );
}
