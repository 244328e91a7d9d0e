import type { ReactNode } from 'react';
import { cn } from '@/lib/cn';

/**
 * A labelled progress bar: the label and the figures are text (not colour alone); the bar turns
 * warning past 80 % used and danger when all is used.
 */
export function ProgressBar({ label, value, max, valueText, hint, remaining = false }: { label: ReactNode; value: number; max: number | null; valueText: string; hint?: ReactNode; remaining?: boolean }) {
  const ratio = max && max > 0 ? Math.min(1, Math.max(0, value / max)) : 0;
  // For a share used, full is bad; for a share left (`remaining`), empty is.
  const used = remaining ? 1 - ratio : ratio;
  const tone = !max ? 'bg-primary' : used >= 1 ? 'bg-danger' : used >= 0.8 ? 'bg-warning' : 'bg-primary';
  return (
    <div className="flex flex-col gap-1.5">
      <div className="flex items-baseline justify-between gap-3 text-sm">
        <span className="font-medium">{label}</span>
        <span className="text-fg-muted tabular-nums">{valueText}</span>
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
