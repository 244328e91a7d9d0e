import { Link, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AuthCard } from '@/components/layout/AuthLayout';
import { Alert, FormError } from '@/components/ui/alert';
import { Button, buttonClasses } from '@/components/ui/button';
import { TextField } from '@/components/ui/input';
import { fieldError, unplacedFieldErrors } from '@/lib/problem';
import { useResetPassword } from './api';

export function ResetPasswordPage() {
  const { t } = useTranslation();
  const { token } = useSearch({ strict: false }) as { token?: string };
  const reset = useResetPassword();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);

  return (
    <AuthCard title={t('auth.reset.title')} description={t('auth.reset.description')}>
      {!token ? (
        <Alert tone="danger">{t('auth.missingToken')}</Alert>
      ) : reset.isSuccess ? (
        <div className="flex flex-col gap-4">
          <Alert tone="success">{t('auth.reset.success')}</Alert>
          <Link to="/login" className={buttonClasses('primary', 'md', 'w-full')}>
            {t('auth.login.submit')}
          </Link>
        </div>
      ) : (
        <form
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            if (password !== confirm) {
              setMismatch(true);
              return;
            }
            setMismatch(false);
            reset.mutate({ token, password });
          }}
        >
          <FormError error={reset.error} extra={unplacedFieldErrors(reset.error, ['password'])} />
          <TextField
            label={t('auth.newPassword')}
            type="password"
            autoComplete="new-password"
            required
            minLength={10}
            hint={t('auth.passwordHint')}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={fieldError(reset.error, 'password')}
          />
          <TextField
            label={t('auth.confirmPassword')}
            type="password"
            autoComplete="new-password"
            required
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
            error={mismatch ? t('auth.passwordMismatch') : undefined}
          />
          <Button type="submit" loading={reset.isPending} className="w-full">
            {t('auth.reset.submit')}
          </Button>
        </form>
      )}
    </AuthCard>
  );
}
