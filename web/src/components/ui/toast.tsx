import * as ToastPrimitive from '@radix-ui/react-toast';
import { CheckCircle2, Info, TriangleAlert, X } from 'lucide-react';
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { cn } from '@/lib/cn';

export type ToastVariant = 'success' | 'error' | 'info';

interface ToastItem {
  id: number;
  title: string;
  description?: string;
  variant: ToastVariant;
}

interface ToastApi {
  toast: (toast: { title: string; description?: string; variant?: ToastVariant }) => void;
}

const ToastContext = createContext<ToastApi | null>(null);
let nextId = 1;

const icons = { success: CheckCircle2, error: TriangleAlert, info: Info } as const;
const tones = {
  success: 'border-success/40 [&_svg.tone]:text-success-text',
  error: 'border-danger/50 [&_svg.tone]:text-danger-text',
  info: 'border-border [&_svg.tone]:text-primary-text',
} as const;

export function ToastProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [items, setItems] = useState<ToastItem[]>([]);
  const toast = useCallback<ToastApi['toast']>(({ title, description, variant = 'info' }) => {
    setItems((current) => [...current.slice(-3), { id: nextId++, title, description, variant }]);
  }, []);
  const api = useMemo(() => ({ toast }), [toast]);
  return (
    <ToastContext.Provider value={api}>
      <ToastPrimitive.Provider swipeDirection="right" label={t('toast.region')}>
        {children}
        {items.map((item) => {
          const Icon = icons[item.variant];
          return (
            <ToastPrimitive.Root
              key={item.id}
              type={item.variant === 'error' ? 'foreground' : 'background'}
              duration={item.variant === 'error' ? 8000 : 5000}
              onOpenChange={(open) => {
                if (!open) setItems((current) => current.filter((i) => i.id !== item.id));
              }}
              className={cn(
                'flex items-start gap-3 rounded-lg border bg-surface-raised p-3.5 text-fg shadow-lg animate-[toast-in_var(--duration-normal)_var(--ease-standard)]',
                tones[item.variant],
              )}
            >
              <Icon aria-hidden className="tone mt-0.5 size-5 shrink-0" />
              <div className="flex flex-1 flex-col gap-0.5">
                <ToastPrimitive.Title className="text-sm font-semibold">{item.title}</ToastPrimitive.Title>
                {item.description && <ToastPrimitive.Description className="text-sm text-fg-muted">{item.description}</ToastPrimitive.Description>}
              </div>
              <ToastPrimitive.Close aria-label={t('common.close')} className="rounded-sm p-0.5 text-fg-muted hover:text-fg">
                <X aria-hidden className="size-4" />
              </ToastPrimitive.Close>
            </ToastPrimitive.Root>
          );
        })}
        <ToastPrimitive.Viewport className="fixed bottom-4 end-4 z-[60] flex w-[min(24rem,calc(100vw-2rem))] flex-col gap-2 outline-none" />
      </ToastPrimitive.Provider>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error('useToast outside ToastProvider');
  return api;
}
