import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { ArrowRight, Building2, LogOut } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Brand } from '@/components/layout/Brand';
import { HelpButton } from '@/components/layout/HelpDrawer';
import { usePageTitle } from '@/components/layout/PageHeader';
import { LanguageSwitcher, ThemeToggle } from '@/components/layout/Toggles';
import { Alert, FormError } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/input';
import { SkeletonBlock } from '@/components/ui/skeleton';
import { InfoTip } from '@/components/ui/tooltip';
import { useToast } from '@/components/ui/toast';
import { meQuery, myTenantsQuery, useLogout, useResendVerification, useSwitchTenant } from '@/features/session/api';
import { fieldError, isApiError, unplacedFieldErrors } from '@/lib/problem';
import { slugify, useCreateTenant } from './api';

/** A new user's first step: create a tenant (needs a verified e-mail) or pick one. */
export function OnboardingPage() {
  const { t } = useTranslation();
  usePageTitle(t('onboarding.title'));
  const navigate = useNavigate();
  const { toast } = useToast();
  const me = useQuery(meQuery);
  const tenants = useQuery(myTenantsQuery);
  const create = useCreateTenant();
  const switchTenant = useSwitchTenant();
  const resend = useResendVerification();
  const logout = useLogout();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugEdited, setSlugEdited] = useState(false);
  const verified = me.data?.user.email_verified ?? false;
  const effectiveSlug = slugEdited ? slug : slugify(name);

  return (
    <div className="flex min-h-screen flex-col bg-[radial-gradient(ellipse_at_top,var(--primary-soft),transparent_60%)]">
      <header className="flex items-center justify-between px-4 py-3 sm:px-6">
        <Brand />
        <div className="flex items-center gap-1">
          <HelpButton />
          <LanguageSwitcher />
          <ThemeToggle />
          <Button variant="ghost" size="sm" onClick={() => logout.mutate(undefined, { onSettled: () => void navigate({ to: '/login' }) })}>
            <LogOut aria-hidden className="rtl-flip size-4" />
            {t('user.logout')}
          </Button>
        </div>
      </header>
      <main id="main" className="mx-auto flex w-full max-w-xl flex-col gap-6 px-4 pt-6 pb-16 sm:pt-10">
        <div className="flex flex-col gap-2">
          <p className="text-sm font-medium text-primary-text">{t('onboarding.step')}</p>
          <h1 className="text-2xl font-semibold tracking-tight">{t('onboarding.title')}</h1>
          <p className="text-fg-muted">{t('onboarding.description')}</p>
        </div>

        {me.isPending ? (
          <SkeletonBlock label={t('common.loading')} />
        ) : !verified ? (
          <Alert
            tone="warning"
            title={t('onboarding.verifyFirstTitle')}
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
            {t('onboarding.verifyFirstBody', { email: me.data?.user.email })}
          </Alert>
        ) : null}

        <section aria-labelledby="create-tenant" className="rounded-xl border border-border bg-surface p-6 shadow-md">
          <h2 id="create-tenant" className="mb-4 flex items-center gap-2 text-lg">
            <Building2 aria-hidden className="size-5 text-primary-text" />
            {t('onboarding.createHeading')}
          </h2>
          <form
            noValidate
            className="flex flex-col gap-4"
            onSubmit={(event) => {
              event.preventDefault();
              create.mutate(
                { name, slug: effectiveSlug || null },
                {
                  onSuccess: (tenant) => {
                    toast({ title: t('onboarding.created', { tenant: tenant.name }), variant: 'success' });
                    void navigate({ to: '/' });
                  },
                },
              );
            }}
          >
            <FormError error={create.error} extra={unplacedFieldErrors(create.error, ['name', 'slug'])} />
            <TextField
              label={t('onboarding.name')}
              required
              disabled={!verified}
              value={name}
              onChange={(e) => setName(e.target.value)}
              error={fieldError(create.error, 'name')}
            />
            <TextField
              label={t('onboarding.slug')}
              labelExtra={<InfoTip content={t('onboarding.slugHelp')} />}
              disabled={!verified}
              value={effectiveSlug}
              onChange={(e) => {
                setSlugEdited(true);
                setSlug(e.target.value);
              }}
              dir="ltr"
              hint={t('onboarding.slugHint')}
              error={fieldError(create.error, 'slug')}
            />
            <Button type="submit" loading={create.isPending} disabled={!verified} className="self-end">
              {t('onboarding.submit')}
              <ArrowRight aria-hidden className="rtl-flip size-4" />
            </Button>
          </form>
        </section>

        {tenants.data && tenants.data.length > 0 && (
          <section aria-labelledby="existing-tenants" className="flex flex-col gap-3">
            <h2 id="existing-tenants" className="text-base">
              {t('onboarding.orPick')}
            </h2>
            <ul className="flex flex-col gap-2">
              {tenants.data.map((tenant) => (
                <li key={tenant.id}>
                  <button
                    type="button"
                    className="flex w-full items-center justify-between rounded-lg border border-border bg-surface px-4 py-3 text-start hover:border-primary"
                    onClick={() => switchTenant.mutate(tenant.id, { onSuccess: () => void navigate({ to: '/' }) })}
                  >
                    <span className="font-medium">{tenant.name}</span>
                    <span className="text-xs text-fg-muted">{t(`roles.${tenant.role}`)}</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
        {me.data?.user.is_superadmin && (
          <Link to="/admin/tenants" className="text-sm font-medium">
            {t('onboarding.toAdmin')}
          </Link>
        )}
      </main>
    </div>
  );
}
