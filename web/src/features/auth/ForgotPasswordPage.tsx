import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AuthCard } from '@/components/layout/AuthLayout';
import { Alert, FormError } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/input';
import { fieldError, unplacedFieldErrors } from '@/lib/problem';
import { useForgotPassword } from './api';

export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const forgot = useForgotPassword();
  const [email, setEmail] = useState('');
  return (
    <AuthCard
      title={t('auth.forgot.title')}
      description={t('auth.forgot.description')}
      footer={
        <Link to="/login" className="font-medium">
          {t('auth.backToLogin')}
        </Link>
      }
    >
      {forgot.isSuccess ? (
        <Alert tone="success">{t('auth.forgot.sent', { email })}</Alert>
      ) : (
        <form
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            forgot.mutate(email);
          }}
        >
          <FormError error={forgot.error} extra={unplacedFieldErrors(forgot.error, ['email'])} />
          <TextField
            label={t('auth.email')}
            type="email"
            name="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={fieldError(forgot.error, 'email')}
          />
          <Button type="submit" loading={forgot.isPending} className="w-full">
            {t('auth.forgot.submit')}
          </Button>
        </form>
      )}
    </AuthCard>
  );
}
