import { useId, type ReactNode } from 'react';
import { cn } from '@/lib/cn';

export interface RadioOption {
  value: string;
  label: ReactNode;
  description?: ReactNode;
}

/** A labelled group of radio buttons (native inputs: arrow keys move, space selects). */
export function RadioGroup({ legend, value, onValueChange, options, name, className, disabled }: { legend: ReactNode; value: string; onValueChange: (value: string) => void; options: RadioOption[]; name?: string; className?: string; disabled?: boolean }) {
  const auto = useId();
  const group = name ?? `radio${auto}`;
  return (
    <fieldset className={cn('flex flex-col gap-2', className)} disabled={disabled}>
      <legend className="mb-1 text-sm font-medium">{legend}</legend>
      {options.map((option) => {
        const id = `${group}-${option.value}`;
        const checked = option.value === value;
        return (
          <label
            key={option.value}
            htmlFor={id}
            className={cn(
              'flex cursor-pointer items-start gap-3 rounded-lg border px-3 py-2.5 transition-colors',
              checked ? 'border-primary bg-primary-soft' : 'border-border hover:bg-surface-muted',
            )}
          >
            <input
              id={id}
              type="radio"
              name={group}
              value={option.value}
              checked={checked}
              onChange={() => onValueChange(option.value)}
              aria-describedby={option.description ? `${id}-description` : undefined}
              className="mt-0.5 size-4 shrink-0 accent-[var(--primary)]"
            />
            <span className="flex flex-col">
              <span className="text-sm font-medium text-fg">{option.label}</span>
              {option.description && (
                <span id={`${id}-description`} className="text-xs text-fg-muted">
                  {option.description}
                </span>
              )}
            </span>
          </label>
        );
      })}
    </fieldset>
  );
}
