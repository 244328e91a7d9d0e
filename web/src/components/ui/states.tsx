import { Inbox, RefreshCw, TriangleAlert } from 'lucide-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '@/lib/problem';
import { Button } from './button';

export function EmptyState({ title, description, action, icon }: { title: ReactNode; description?: ReactNode; action?: ReactNode; icon?: ReactNode }) {
  return (
    <div className="flex flex-col items-center justify-center gap-3 rounded-lg border border-dashed border-border-strong px-6 py-10 text-center">
      <div className="flex size-11 items-center justify-center rounded-full bg-surface-muted text-fg-muted">{icon ?? <Inbox aria-hidden className="size-5" />}</div>
      <div className="flex flex-col gap-1">
        <p className="text-base font-semibold text-fg">{title}</p>
        {description && <p className="max-w-md text-sm text-fg-muted">{description}</p>}
      </div>
      {action}
    </div>
  );
}

/** An error in place of data: the server's translated detail and a retry button. */
export function ErrorState({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: ReactNode }) {
  const { t } = useTranslation();
  const detail = isApiError(error) ? error.detail : t('errors.unknown');
  return (
    <div role="alert" className="flex flex-col items-center justify-center gap-3 rounded-lg border border-danger/40 bg-danger-soft px-6 py-10 text-center">
      <TriangleAlert aria-hidden className="size-6 text-danger-text" />
      <div className="flex flex-col gap-1">
        <p className="text-base font-semibold text-fg">{title ?? t('errors.loadFailed')}</p>
        <p className="text-sm text-fg-muted">{detail}</p>
      </div>
      {onRetry && (
        <Button variant="outline" size="sm" onClick={onRetry}>
          <RefreshCw aria-hidden className="size-3.5" />
          {t('common.retry')}
        </Button>
      )}
    </div>
  );
}
