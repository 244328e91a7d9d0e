import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeRead } from '@/client';
import { isLanguage, matchLanguage, storedLanguage, storeLanguage, type Language } from '@/i18n/languages';
import { meQuery, useUpdateProfile } from './api';

/** Switch the UI language; remembered on this device and, when signed in, on the account. */
export function useChangeLanguage() {
  const { i18n } = useTranslation();
  const queryClient = useQueryClient();
  const updateProfile = useUpdateProfile();
  return useCallback(
    (language: Language) => {
      storeLanguage(language);
      void i18n.changeLanguage(language);
      const me = queryClient.getQueryData<MeRead>(meQuery.queryKey);
      if (me && me.user.locale !== language && !me.impersonator_id) {
        updateProfile.mutate({ locale: language });
      }
    },
    [i18n, queryClient, updateProfile],
  );
}

/**
 * The language to use once the user is known: their saved preference wins over what the
 * browser said; without one, the tenant's default applies if the browser's language was
 * not one we have and they never picked one here.
 */
export function preferredLanguage(options: {
  userLocale: string | null | undefined;
  tenantDefault: string | null | undefined;
  deviceChoice: Language | null;
  browser: readonly string[];
}): Language | null {
  if (isLanguage(options.userLocale)) return options.userLocale;
  if (options.deviceChoice) return null;
  if (matchLanguage(options.browser)) return null;
  return isLanguage(options.tenantDefault) ? options.tenantDefault : null;
}

/** Applies the signed-in user's saved language once per user (not on every render). */
export function useSyncLanguage(me: MeRead | undefined, tenantDefault: string | null | undefined) {
  const { i18n } = useTranslation();
  const applied = useRef<string | null>(null);
  useEffect(() => {
    if (!me) return;
    const key = `${me.user.id}:${tenantDefault ?? ''}`;
    if (applied.current === key) return;
    applied.current = key;
    const language = preferredLanguage({
      userLocale: me.user.locale,
      tenantDefault,
      deviceChoice: storedLanguage(),
      browser: navigator.languages ?? [],
    });
    if (language && language !== i18n.language) void i18n.changeLanguage(language);
  }, [me, tenantDefault, i18n]);
}
