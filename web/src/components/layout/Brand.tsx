import { useTranslation } from 'react-i18next';
import { useTheme } from '@/theme/ThemeProvider';

/** The tenant's logo and brand name, or Athanor's. */
export function Brand({ compact = false }: { compact?: boolean }) {
  const { t } = useTranslation();
  const { branding } = useTheme();
  const name = branding?.brand_name || t('app.name');
  return (
    <span className="flex items-center gap-2.5">
      {branding?.logo_url ? (
        <img src={branding.logo_url} alt="" className="size-8 rounded-md object-contain" />
      ) : (
        <span aria-hidden className="flex size-8 items-center justify-center rounded-md bg-primary text-base font-bold text-primary-fg">
          {name.charAt(0).toUpperCase()}
        </span>
      )}
      {!compact && <span className="truncate text-base font-semibold tracking-tight">{name}</span>}
    </span>
  );
}
