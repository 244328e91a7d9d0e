import { Link, useRouter, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AuthCard } from '@/components/layout/AuthLayout';
import { FormError } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/input';
import { useLogin } from '@/features/session/api';
import { fieldError, unplacedFieldErrors } from '@/lib/problem';
import { safeRedirect } from './api';

export function LoginPage() {
  const { t } = useTranslation();
  const router = useRouter();
  const search = useSearch({ strict: false }) as { redirect?: string };
  const login = useLogin();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  return (
    <AuthCard
      title={t('auth.login.title')}
      description={t('auth.login.description')}
      footer={
        <>
          {t('auth.login.noAccount')}{' '}
          <Link to="/register" className="font-medium">
            {t('auth.login.createAccount')}
          </Link>
        </>
      }
    >
      <form
        noValidate
        className="flex flex-col gap-4"
        onSubmit={(event) => {
          event.preventDefault();
          login.mutate(
            { email, password },
            { onSuccess: () => router.history.push(safeRedirect(search.redirect)) },
          );
        }}
      >
        <FormError error={login.error} extra={unplacedFieldErrors(login.error, ['email', 'password'])} />
        <TextField
          label={t('auth.email')}
          type="email"
          name="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fieldError(login.error, 'email')}
        />
        <TextField
          label={t('auth.password')}
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldError(login.error, 'password')}
          labelExtra={
            <Link to="/forgot-password" className="ms-auto text-xs font-medium">
              {t('auth.login.forgot')}
            </Link>
          }
        />
        <Button type="submit" loading={login.isPending} className="mt-2 w-full">
          {t('auth.login.submit')}
        </Button>
      </form>
    </AuthCard>
  );
}
