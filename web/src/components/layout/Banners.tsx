import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { UserRoundX } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import type { MeRead } from '@/client';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { useToast } from '@/components/ui/toast';
import { useResendVerification } from '@/features/session/api';
import { readImpersonation, stopImpersonation } from '@/lib/impersonation';
import { isApiError } from '@/lib/problem';

/** Always visible while acting as someone else, with the way out. */
export function ImpersonationBanner({ me }: { me: MeRead }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const active = readImpersonation();
  if (!active && !me.impersonator_id) return null;
  const stop = async () => {
    stopImpersonation();
    queryClient.clear();
    await navigate({ to: '/admin/users' });
  };
  return (
    <div role="region" aria-label={t('impersonation.region')} className="flex flex-wrap items-center justify-center gap-3 bg-warning px-4 py-2 text-sm font-medium text-warning-fg">
      <UserRoundX aria-hidden className="size-4" />
      <span>{t('impersonation.banner', { user: active?.userLabel ?? me.user.email })}</span>
      <Button size="sm" variant="outline" className="border-warning-fg/40 bg-transparent text-warning-fg hover:bg-black/10" onClick={() => void stop()}>
        {t('impersonation.stop')}
      </Button>
    </div>
  );
}

export function VerifyEmailBanner({ me }: { me: MeRead }) {
  const { t } = useTranslation();
  const { toast } = useToast();
  const resend = useResendVerification();
  if (me.user.email_verified) return null;
  return (
    <Alert
      tone="warning"
      className="rounded-none border-x-0 border-t-0"
      action={
        <Button
          size="sm"
          variant="outline"
          loading={resend.isPending}
          onClick={() =>
            resend.mutate(undefined, {
              onSuccess: () => toast({ title: t('verify.resent'), variant: 'success' }),
              onError: (e) => toast({ title: isApiError(e) ? e.detail : t('errors.unknown'), variant: 'error' }),
            })
          }
        >
          {t('verify.resend')}
        </Button>
      }
    >
      {t('verify.bannerBody', { email: me.user.email })}
    </Alert>
  );
}
