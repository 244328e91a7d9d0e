import { Link } from '@tanstack/react-router';
import { MailCheck } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AuthCard } from '@/components/layout/AuthLayout';
import { Alert, FormError } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/input';
import { isLanguage } from '@/i18n/languages';
import { fieldError, unplacedFieldErrors } from '@/lib/problem';
import { useRegister } from './api';

export function RegisterPage() {
  const { t, i18n } = useTranslation();
  const register = useRegister();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  if (register.isSuccess) {
    return (
      <AuthCard title={t('auth.register.checkEmailTitle')}>
        <div className="flex flex-col items-center gap-4 text-center">
          <MailCheck aria-hidden className="size-10 text-primary-text" />
          <p>{t('auth.register.checkEmailBody', { email: register.data.email })}</p>
          <Link to="/login" className="font-medium">
            {t('auth.backToLogin')}
          </Link>
        </div>
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title={t('auth.register.title')}
      description={t('auth.register.description')}
      footer={
        <>
          {t('auth.register.haveAccount')}{' '}
          <Link to="/login" className="font-medium">
            {t('auth.login.submit')}
          </Link>
        </>
      }
    >
      <form
        noValidate
        className="flex flex-col gap-4"
        onSubmit={(event) => {
          event.preventDefault();
          register.mutate({ name, email, password, locale: isLanguage(i18n.language) ? i18n.language : null });
        }}
      >
        <FormError error={register.error} extra={unplacedFieldErrors(register.error, ['name', 'email', 'password'])} />
        <TextField label={t('auth.name')} name="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} error={fieldError(register.error, 'name')} />
        <TextField
          label={t('auth.email')}
          type="email"
          name="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fieldError(register.error, 'email')}
        />
        <TextField
          label={t('auth.password')}
          type="password"
          name="password"
          autoComplete="new-password"
          required
          minLength={10}
          hint={t('auth.passwordHint')}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldError(register.error, 'password')}
        />
        <Button type="submit" loading={register.isPending} className="mt-2 w-full">
          {t('auth.register.submit')}
        </Button>
        <Alert tone="info">{t('auth.register.verifyNote')}</Alert>
      </form>
    </AuthCard>
  );
}
