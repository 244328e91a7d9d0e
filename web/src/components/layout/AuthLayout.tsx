import { Outlet } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { Brand } from './Brand';
import { usePageTitle } from './PageHeader';
import { HelpButton } from './HelpDrawer';
import { LanguageSwitcher, ThemeToggle } from './Toggles';

/** The frame of the public pages: a centred card with the language and theme controls. */
export function AuthLayout() {
  const { t } = useTranslation();
  return (
    <div className="flex min-h-screen flex-col bg-[radial-gradient(ellipse_at_top,var(--primary-soft),transparent_60%)]">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:start-4 focus:top-4 focus:z-50 focus:rounded-md focus:bg-surface focus:px-3 focus:py-2">
        {t('nav.skipToContent')}
      </a>
      <header className="flex items-center justify-between px-4 py-3 sm:px-6">
        <Brand />
        <div className="flex items-center gap-1">
          <HelpButton />
          <LanguageSwitcher />
          <ThemeToggle />
        </div>
      </header>
      <main id="main" className="flex flex-1 items-start justify-center px-4 pt-6 pb-16 sm:pt-12">
        <div className="w-full max-w-md">
          <Outlet />
        </div>
      </main>
    </div>
  );
}

/** The card a public page sits in, with its h1. */
export function AuthCard({ title, description, children, footer }: { title: string; description?: React.ReactNode; children: React.ReactNode; footer?: React.ReactNode }) {
  usePageTitle(title);
  return (
    <div className="rounded-xl border border-border bg-surface p-6 shadow-md sm:p-8">
      <div className="mb-6 flex flex-col gap-1.5">
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        {description && <p className="text-sm text-fg-muted">{description}</p>}
      </div>
      {children}
      {footer && <div className="mt-6 border-t border-border pt-4 text-center text-sm text-fg-muted">{footer}</div>}
    </div>
  );
}
