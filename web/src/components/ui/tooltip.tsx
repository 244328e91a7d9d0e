import * as TooltipPrimitive from '@radix-ui/react-tooltip';
import { CircleHelp } from 'lucide-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export const TooltipProvider = TooltipPrimitive.Provider;

export function Tooltip({ content, children, side = 'top' }: { content: ReactNode; children: ReactNode; side?: 'top' | 'bottom' | 'left' | 'right' }) {
  return (
    <TooltipPrimitive.Root>
      <TooltipPrimitive.Trigger asChild>{children}</TooltipPrimitive.Trigger>
      <TooltipPrimitive.Portal>
        <TooltipPrimitive.Content
          side={side}
          sideOffset={6}
          className="z-50 max-w-xs rounded-md bg-fg px-2.5 py-1.5 text-xs leading-snug text-bg shadow-md animate-[fade-in_var(--duration-fast)_var(--ease-standard)]"
        >
          {content}
          <TooltipPrimitive.Arrow className="fill-fg" />
        </TooltipPrimitive.Content>
      </TooltipPrimitive.Portal>
    </TooltipPrimitive.Root>
  );
}

/**
 * Contextual help: a small focusable "?" that explains the thing next to it. Its name is
 * generic by default so that it never competes with the label of the field it sits by.
 */
export function InfoTip({ label, content }: { label?: string; content: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Tooltip content={content}>
      <button type="button" aria-label={label ?? t('common.moreInfo')} className="inline-flex size-5 items-center justify-center rounded-full text-fg-muted hover:text-fg">
        <CircleHelp aria-hidden className="size-4" />
      </button>
    </Tooltip>
  );
}
