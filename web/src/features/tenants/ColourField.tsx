import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { controlClasses } from '@/components/ui/field';
import { cn } from '@/lib/cn';
import { isHexColour } from '@/lib/contrast';

/** A hex colour: a picker and the text value, both labelled; empty when optional and unset. */
export function ColourField({
  label,
  value,
  onChange,
  error,
  optional,
  disabled,
  fallback,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  optional?: boolean;
  disabled?: boolean;
  /** Shown in the picker when the value is empty. */
  fallback: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  const errorId = `${id}-error`;
  const invalid = Boolean(error) || (value !== '' && !isHexColour(value));
  return (
    <div className="flex flex-col gap-1.5">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <div className="flex items-center gap-2">
        <input
          type="color"
          aria-label={t('settings.pickColour', { name: label })}
          disabled={disabled}
          value={isHexColour(value) && value.length === 7 ? value : fallback}
          onChange={(e) => onChange(e.target.value)}
          className="h-10 w-12 shrink-0 cursor-pointer rounded-md border border-border-strong bg-surface p-1"
        />
        <input
          id={id}
          dir="ltr"
          disabled={disabled}
          value={value}
          placeholder={optional ? t('settings.colourDefault') : undefined}
          onChange={(e) => onChange(e.target.value.trim())}
          aria-invalid={invalid || undefined}
          aria-describedby={invalid ? errorId : undefined}
          className={cn(controlClasses, 'h-10 font-mono')}
        />
        {optional && value && (
          <button type="button" disabled={disabled} onClick={() => onChange('')} className="text-xs font-medium whitespace-nowrap text-primary-text">
            {t('settings.reset')}
          </button>
        )}
      </div>
      {invalid && (
        <p id={errorId} className="text-xs font-medium text-danger-text">
          {error ?? t('settings.invalidColour')}
        </p>
      )}
    </div>
  );
}
