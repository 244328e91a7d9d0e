import { Link, type ErrorComponentProps } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { buttonClasses } from '@/components/ui/button';
import { ErrorState } from '@/components/ui/states';

export function NotFound() {
  const { t } = useTranslation();
  return (
    <main id="main" className="mx-auto flex min-h-screen max-w-md flex-col items-center justify-center gap-4 p-6 text-center">
      <p className="text-5xl font-semibold text-primary-text">404</p>
      <h1 className="text-xl">{t('errors.notFoundTitle')}</h1>
      <p className="text-fg-muted">{t('errors.notFoundBody')}</p>
      <Link to="/" className={buttonClasses('primary')}>
        {t('errors.backHome')}
      </Link>
    </main>
  );
}

export function RouteError({ error, reset }: ErrorComponentProps) {
  const { t } = useTranslation();
  return (
    <main id="main" className="mx-auto flex min-h-[60vh] max-w-lg flex-col justify-center gap-4 p-6">
      <h1 className="sr-only">{t('errors.loadFailed')}</h1>
      <ErrorState error={error} onRetry={reset} />
    </main>
  );
}
