import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/layout/PageHeader';
import { FormError } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { TextField } from '@/components/ui/input';
import { SelectField } from '@/components/ui/select';
import { SkeletonBlock } from '@/components/ui/skeleton';
import { useToast } from '@/components/ui/toast';
import { useChangePassword } from '@/features/auth/api';
import { useMe, useUpdateProfile } from '@/features/session/api';
import { useChangeLanguage } from '@/features/session/language';
import { endonym, isLanguage, LANGUAGES } from '@/i18n/languages';
import { fieldError, unplacedFieldErrors } from '@/lib/problem';

function ProfileForm({ initialName }: { initialName: string }) {
  const { t, i18n } = useTranslation();
  const { toast } = useToast();
  const update = useUpdateProfile();
  const changeLanguage = useChangeLanguage();
  const [name, setName] = useState(initialName);
  return (
    <Card labelledBy="profile-heading">
      <CardHeader id="profile-heading" title={t('profile.detailsHeading')} />
      <CardBody>
        <form
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            update.mutate({ name }, { onSuccess: () => toast({ title: t('profile.saved'), variant: 'success' }) });
          }}
        >
          <FormError error={update.error} extra={unplacedFieldErrors(update.error, ['name', 'locale'])} />
          <TextField label={t('auth.name')} value={name} onChange={(e) => setName(e.target.value)} error={fieldError(update.error, 'name')} />
          <SelectField
            label={t('profile.language')}
            value={i18n.language}
            onValueChange={(v) => isLanguage(v) && changeLanguage(v)}
            options={LANGUAGES.map((l) => ({ value: l, label: endonym(l) }))}
            hint={t('profile.languageHint')}
          />
          <Button type="submit" loading={update.isPending} className="self-end">
            {t('common.save')}
          </Button>
        </form>
      </CardBody>
    </Card>
  );
}

function PasswordForm() {
  const { t } = useTranslation();
  const { toast } = useToast();
  const change = useChangePassword();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  return (
    <Card labelledBy="password-heading">
      <CardHeader id="password-heading" title={t('profile.passwordHeading')} />
      <CardBody>
        <form
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            change.mutate(
              { current_password: current, new_password: next },
              {
                onSuccess: () => {
                  toast({ title: t('profile.passwordChanged'), variant: 'success' });
                  setCurrent('');
                  setNext('');
                },
              },
            );
          }}
        >
          <FormError error={change.error} extra={unplacedFieldErrors(change.error, ['current_password', 'new_password'])} />
          <TextField label={t('profile.currentPassword')} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} error={fieldError(change.error, 'current_password')} />
          <TextField
            label={t('auth.newPassword')}
            type="password"
            autoComplete="new-password"
            hint={t('auth.passwordHint')}
            value={next}
            onChange={(e) => setNext(e.target.value)}
            error={fieldError(change.error, 'new_password')}
          />
          <Button type="submit" loading={change.isPending} className="self-end">
            {t('profile.changePassword')}
          </Button>
        </form>
      </CardBody>
    </Card>
  );
}

export function ProfilePage() {
  const { t } = useTranslation();
  const me = useMe();
  return (
    <>
      <PageHeader title={t('profile.title')} description={me.data?.user.email} />
      {!me.data ? (
        <SkeletonBlock label={t('common.loading')} />
      ) : (
        <div className="grid gap-6 lg:grid-cols-2">
          <ProfileForm initialName={me.data.user.name} />
          <PasswordForm />
        </div>
      )}
    </>
  );
}
