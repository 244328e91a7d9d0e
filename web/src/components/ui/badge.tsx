import type { ReactNode } from 'react';
import { cn } from '@/lib/cn';

export type BadgeTone = 'neutral' | 'primary' | 'success' | 'warning' | 'danger';

const tones: Record<BadgeTone, string> = {
  neutral: 'bg-surface-muted text-fg border-border',
  primary: 'bg-primary-soft text-primary-text border-primary/30',
  success: 'bg-success-soft text-success-text border-success/30',
  warning: 'bg-warning-soft text-warning-text border-warning/30',
  danger: 'bg-danger-soft text-danger-text border-danger/30',
};

export function Badge({ tone = 'neutral', children, className }: { tone?: BadgeTone; children: ReactNode; className?: string }) {
  return (
    <span className={cn('inline-flex items-center gap-1 rounded-full border px-2 py-0.5 text-xs font-medium whitespace-nowrap', tones[tone], className)}>
      {children}
    </span>
  );
}
