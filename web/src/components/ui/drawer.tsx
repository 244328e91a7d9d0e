import * as DialogPrimitive from '@radix-ui/react-dialog';
import { X } from 'lucide-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { cn } from '@/lib/cn';
import { Button } from './button';

export const Drawer = DialogPrimitive.Root;
export const DrawerTrigger = DialogPrimitive.Trigger;
export const DrawerClose = DialogPrimitive.Close;

export interface DrawerContentProps {
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  /** The edge it slides from, in reading direction (end = right in LTR, left in RTL). */
  side?: 'start' | 'end';
  className?: string;
}

/** A side sheet: a modal dialog anchored to an edge (focus trapped, Escape closes). */
export function DrawerContent({ title, description, children, side = 'end', className }: DrawerContentProps) {
  const { t } = useTranslation();
  return (
    <DialogPrimitive.Portal>
      <DialogPrimitive.Overlay className="fixed inset-0 z-40 bg-overlay animate-[fade-in_var(--duration-normal)_var(--ease-standard)]" />
      <DialogPrimitive.Content
        aria-describedby={undefined}
        className={cn(
          'fixed inset-y-0 z-50 flex w-full max-w-md flex-col border-border bg-surface-raised text-fg shadow-lg',
          side === 'end'
            ? 'end-0 border-s animate-[slide-in-end_var(--duration-slow)_var(--ease-standard)] rtl:animate-[slide-in-end-rtl_var(--duration-slow)_var(--ease-standard)]'
            : 'start-0 border-e animate-[slide-in-end-rtl_var(--duration-slow)_var(--ease-standard)] rtl:animate-[slide-in-end_var(--duration-slow)_var(--ease-standard)]',
          className,
        )}
      >
        <div className="flex items-start justify-between gap-4 border-b border-border px-5 py-4">
          <div className="flex flex-col gap-1">
            <DialogPrimitive.Title className="text-lg font-semibold">{title}</DialogPrimitive.Title>
            {description ? <DialogPrimitive.Description className="text-sm text-fg-muted">{description}</DialogPrimitive.Description> : null}
          </div>
          <DialogPrimitive.Close asChild>
            <Button variant="ghost" size="icon-sm" aria-label={t('common.close')}>
              <X aria-hidden className="size-4" />
            </Button>
          </DialogPrimitive.Close>
        </div>
        <div className="flex-1 overflow-y-auto px-5 py-4">{children}</div>
      </DialogPrimitive.Content>
    </DialogPrimitive.Portal>
  );
}
