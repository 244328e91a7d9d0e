import * as SelectPrimitive from '@radix-ui/react-select';
import { Check, ChevronDown } from 'lucide-react';
import type { ReactNode } from 'react';
import { cn } from '@/lib/cn';
import { controlClasses, Field } from './field';

export interface SelectOption {
  value: string;
  label: ReactNode;
  disabled?: boolean;
}

interface SelectBaseProps {
  value: string;
  onValueChange: (value: string) => void;
  options: SelectOption[];
  placeholder?: string;
  disabled?: boolean;
  name?: string;
  className?: string;
}

function SelectControl({
  value,
  onValueChange,
  options,
  placeholder,
  disabled,
  name,
  className,
  ...aria
}: SelectBaseProps & { id?: string; 'aria-label'?: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }) {
  return (
    <SelectPrimitive.Root value={value} onValueChange={onValueChange} disabled={disabled} name={name}>
      <SelectPrimitive.Trigger
        {...aria}
        className={cn(controlClasses, 'inline-flex h-10 items-center justify-between gap-2 text-start', className)}
      >
        <SelectPrimitive.Value placeholder={placeholder} />
        <SelectPrimitive.Icon>
          <ChevronDown aria-hidden className="size-4 text-fg-muted" />
        </SelectPrimitive.Icon>
      </SelectPrimitive.Trigger>
      <SelectPrimitive.Portal>
        <SelectPrimitive.Content
          position="popper"
          sideOffset={4}
          className="z-50 max-h-[var(--radix-select-content-available-height)] min-w-[var(--radix-select-trigger-width)] overflow-hidden rounded-md border border-border bg-surface-raised text-fg shadow-lg"
        >
          <SelectPrimitive.Viewport className="p-1">
            {options.map((option) => (
              <SelectPrimitive.Item
                key={option.value}
                value={option.value}
                disabled={option.disabled}
                className="relative flex cursor-pointer items-center rounded-sm py-1.5 ps-8 pe-3 text-sm outline-none select-none data-[disabled]:opacity-50 data-[highlighted]:bg-primary-soft data-[highlighted]:text-fg"
              >
                <SelectPrimitive.ItemIndicator className="absolute start-2 inline-flex items-center">
                  <Check aria-hidden className="size-4" />
                </SelectPrimitive.ItemIndicator>
                <SelectPrimitive.ItemText>{option.label}</SelectPrimitive.ItemText>
              </SelectPrimitive.Item>
            ))}
          </SelectPrimitive.Viewport>
        </SelectPrimitive.Content>
      </SelectPrimitive.Portal>
    </SelectPrimitive.Root>
  );
}

export interface SelectFieldProps extends SelectBaseProps {
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  id?: string;
  fieldClassName?: string;
}

/** A labelled select (Radix): a combobox button named by its <label>. */
export function SelectField({ label, error, hint, id, fieldClassName, ...props }: SelectFieldProps) {
  return (
    <Field label={label} error={error} hint={hint} id={id} className={fieldClassName}>
      {(field) => <SelectControl {...props} {...field} />}
    </Field>
  );
}

/** A select for toolbars, named by aria-label. */
export function Select(props: SelectBaseProps & { 'aria-label': string }) {
  return <SelectControl {...props} className={cn('h-9 w-auto min-w-36', props.className)} />;
}
