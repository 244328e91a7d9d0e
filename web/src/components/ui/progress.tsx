import type { ReactNode } from 'react';
import { cn } from '@/lib/cn';

export type ProgressTone = 'primary' | 'success' | 'danger' | 'neutral';

const fixedTones: Record<ProgressTone, string> = { primary: 'bg-primary', success: 'bg-success', danger: 'bg-danger', neutral: 'bg-border-strong' };

/**
 * A labelled progress bar: the label and the figures are text (not colour alone); the bar turns
 * warning past 80 % used and danger when all is used, unless `tone` fixes its colour (the
 * progress of a task, where full is good).
 */
export function ProgressBar({ label, value, max, valueText, hint, remaining = false, tone: fixed, hideLabel = false }: { label: ReactNode; value: number; max: number | null; valueText: string; hint?: ReactNode; remaining?: boolean; tone?: ProgressTone; hideLabel?: boolean }) {
  const ratio = max && max > 0 ? Math.min(1, Math.max(0, value / max)) : 0;
  // For a share used, full is bad; for a share left (`remaining`), empty is.
  const used = remaining ? 1 - ratio : ratio;
  const tone = fixed ? fixedTones[fixed] : !max ? 'bg-primary' : used >= 1 ? 'bg-danger' : used >= 0.8 ? 'bg-warning' : 'bg-primary';
  return (
    <div className="flex flex-col gap-1.5">
      <div className="flex items-baseline justify-between gap-3 text-sm">
        <span className={hideLabel ? 'sr-only' : 'font-medium'}>{label}</span>
        <span className={cn('text-fg-muted tabular-nums', hideLabel && 'ms-auto text-xs')}>{valueText}</span>
      </div>
      <div
        role="progressbar"
        aria-label={typeof label === 'string' ? label : undefined}
        aria-valuemin={0}
        aria-valuemax={max ?? undefined}
        aria-valuenow={max ? value : undefined}
        aria-valuetext={valueText}
        className="h-2 w-full overflow-hidden rounded-full bg-surface-muted"
      >
        <div className={cn('h-full rounded-full transition-[width]', tone)} style={{ width: `${ratio * 100}%` }} />
      </div>
      {hint && <p className="text-xs text-fg-muted">{hint}</p>}
    </div>
  );
}
