import { CircleAlert, CircleCheck, Info, TriangleAlert } from 'lucide-react';
import type { ReactNode } from 'react';
import { cn } from '@/lib/cn';

export type AlertTone = 'info' | 'success' | 'warning' | 'danger';

const tones: Record<AlertTone, { box: string; icon: typeof Info }> = {
  info: { box: 'border-primary/30 bg-primary-soft [&>svg]:text-primary-text', icon: Info },
  success: { box: 'border-success/30 bg-success-soft [&>svg]:text-success-text', icon: CircleCheck },
  warning: { box: 'border-warning/40 bg-warning-soft [&>svg]:text-warning-text', icon: TriangleAlert },
  danger: { box: 'border-danger/40 bg-danger-soft [&>svg]:text-danger-text', icon: CircleAlert },
};

/** A message block; `danger` alerts are announced (role=alert), others are a status. */
export function Alert({ tone = 'info', title, children, className, action }: { tone?: AlertTone; title?: ReactNode; children?: ReactNode; className?: string; action?: ReactNode }) {
  const { box, icon: Icon } = tones[tone];
  return (
    <div role={tone === 'danger' ? 'alert' : 'status'} className={cn('flex items-start gap-3 rounded-lg border px-4 py-3 text-sm text-fg', box, className)}>
      <Icon aria-hidden className="mt-0.5 size-4 shrink-0" />
      <div className="flex flex-1 flex-col gap-1">
        {title && <p className="font-semibold">{title}</p>}
        {children && <div>{children}</div>}
      </div>
      {action}
    </div>
  );
}

/** The form-level error: the server's detail, plus field errors that no input shows. */
export function FormError({ error, extra }: { error: unknown; extra?: string[] }) {
  if (!error) return null;
  const detail = error instanceof Error ? error.message : String(error);
  return (
    <Alert tone="danger">
      <p>{detail}</p>
      {extra && extra.length > 0 && (
        <ul className="mt-1 list-disc ps-5">
          {extra.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </Alert>
  );
}
