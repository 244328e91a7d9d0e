import { useId, type ReactNode } from 'react';
import { cn } from '@/lib/cn';

export interface FieldRenderProps {
  id: string;
  'aria-invalid': boolean | undefined;
  'aria-describedby': string | undefined;
}

export interface FieldProps {
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  /** A control after the label (e.g. a help tooltip). */
  labelExtra?: ReactNode;
  required?: boolean;
  id?: string;
  className?: string;
  children: (props: FieldRenderProps) => ReactNode;
}

/** A label, its control, a hint and the field's error, wired for assistive technology. */
export function Field({ label, error, hint, labelExtra, required, id, className, children }: FieldProps) {
  const auto = useId();
  const controlId = id ?? `f${auto}`;
  const hintId = hint ? `${controlId}-hint` : undefined;
  const errorId = error ? `${controlId}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={cn('flex flex-col gap-1.5', className)}>
      <div className="flex items-center gap-1.5">
        <label htmlFor={controlId} className="text-sm font-medium text-fg">
          {label}
        </label>
        {/* Outside the label so the accessible name stays exactly the label text. */}
        {required && (
          <span aria-hidden className="-ms-1 text-sm text-danger-text">
            *
          </span>
        )}
        {labelExtra}
      </div>
      {children({ id: controlId, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {hint && !error && (
        <p id={hintId} className="text-xs text-fg-muted">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="text-xs font-medium text-danger-text">
          {error}
        </p>
      )}
    </div>
  );
}

export const controlClasses =
  'w-full rounded-md border border-border-strong bg-surface px-3 text-sm text-fg placeholder:text-fg-muted shadow-sm transition-colors ' +
  'hover:border-fg-muted disabled:cursor-not-allowed disabled:opacity-60 [&[readonly]]:bg-surface-muted aria-[invalid=true]:border-danger';
