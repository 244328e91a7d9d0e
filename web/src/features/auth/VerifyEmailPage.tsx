import { useQueryClient } from '@tanstack/react-query';
import { Link, useSearch } from '@tanstack/react-router';
import { CircleCheck } from 'lucide-react';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { AuthCard } from '@/components/layout/AuthLayout';
import { Alert } from '@/components/ui/alert';
import { buttonClasses } from '@/components/ui/button';
import { SkeletonBlock } from '@/components/ui/skeleton';
import { meQuery } from '@/features/session/api';
import { isApiError } from '@/lib/problem';
import { useVerifyEmail } from './api';

export function VerifyEmailPage() {
  const { t } = useTranslation();
  const { token } = useSearch({ strict: false }) as { token?: string };
  const verify = useVerifyEmail();
  const queryClient = useQueryClient();
  const sent = useRef(false);

  useEffect(() => {
    // Tokens are single use: send it once, even when React runs effects twice.
    if (!token || sent.current) return;
    sent.current = true;
    verify.mutate(token, { onSuccess: () => void queryClient.invalidateQueries({ queryKey: meQuery.queryKey }) });
  }, [token, verify, queryClient]);

  return (
    <AuthCard title={t('auth.verify.title')}>
      {!token ? (
        <Alert tone="danger">{t('auth.missingToken')}</Alert>
      ) : verify.isSuccess ? (
        <div className="flex flex-col items-center gap-4 text-center">
          <CircleCheck aria-hidden className="size-10 text-success-text" />
          <p role="status">{t('auth.verify.success', { email: verify.data.email })}</p>
          <Link to="/" className={buttonClasses('primary')}>
            {t('auth.continue')}
          </Link>
        </div>
      ) : verify.isError ? (
        <div className="flex flex-col gap-4">
          <Alert tone="danger" title={t('auth.verify.failed')}>
            {isApiError(verify.error) ? verify.error.detail : t('errors.unknown')}
          </Alert>
          <Link to="/login" className="text-center font-medium">
            {t('auth.backToLogin')}
          </Link>
        </div>
      ) : (
        <SkeletonBlock label={t('auth.verify.pending')} lines={2} />
      )}
    </AuthCard>
  );
}
