import { useTranslation } from 'react-i18next';
import { Checkbox } from '@/components/ui/checkbox';
import { TextAreaField, TextField } from '@/components/ui/input';
import { SelectField } from '@/components/ui/select';
import type { FormValues, InputProblem, SchemaField } from './schema-form';

/** The translated message of a value the form refused. */
export function useInputProblemText() {
  const { t } = useTranslation();
  return (problem: InputProblem | undefined): string | undefined => {
    if (!problem) return undefined;
    return 'limit' in problem ? t(`playground.problems.${problem.code}`, { limit: problem.limit }) : t(`playground.problems.${problem.code}`);
  };
}

/** The inputs of an engine version, one control per schema property. */
export function SchemaForm({ fields, values, onChange, problems, serverErrors, disabled }: { fields: SchemaField[]; values: FormValues; onChange: (values: FormValues) => void; problems: Record<string, InputProblem>; serverErrors: (name: string) => string | undefined; disabled?: boolean }) {
  const { t } = useTranslation();
  const problemText = useInputProblemText();
  if (fields.length === 0) return <p className="text-sm text-fg-muted">{t('playground.noInputs')}</p>;
  const set = (name: string, value: string | boolean) => onChange({ ...values, [name]: value });
  return (
    <div className="flex flex-col gap-4">
      {fields.map((field) => {
        const error = problemText(problems[field.name]) ?? serverErrors(field.name);
        const value = values[field.name];
        const text = typeof value === 'string' ? value : '';
        const range =
          field.minimum !== undefined && field.maximum !== undefined
            ? t('playground.range', { min: field.minimum, max: field.maximum })
            : field.minimum !== undefined
              ? t('playground.atLeast', { min: field.minimum })
              : field.maximum !== undefined
                ? t('playground.atMost', { max: field.maximum })
                : undefined;
        const hint = [field.description, range].filter(Boolean).join(' · ') || undefined;
        switch (field.kind) {
          case 'boolean':
            return <Checkbox key={field.name} label={field.label} description={field.description} disabled={disabled} checked={value === true} onCheckedChange={(on) => set(field.name, on)} />;
          case 'enum':
            return (
              <SelectField
                key={field.name}
                label={field.label}
                value={text}
                disabled={disabled}
                onValueChange={(v) => set(field.name, v)}
                placeholder={t('deployments.form.choose')}
                hint={hint}
                error={error}
                options={(field.options ?? []).map((o) => ({ value: String(o), label: String(o) }))}
              />
            );
          case 'integer':
          case 'number':
            return (
              <TextField
                key={field.name}
                label={field.label}
                required={field.required}
                type="number"
                inputMode={field.kind === 'integer' ? 'numeric' : 'decimal'}
                step={field.kind === 'integer' ? 1 : 'any'}
                min={field.minimum}
                max={field.maximum}
                disabled={disabled}
                value={text}
                onChange={(e) => set(field.name, e.target.value)}
                hint={hint}
                error={error}
                fieldClassName="max-w-48"
              />
            );
          case 'text':
            return <TextField key={field.name} label={field.label} required={field.required} maxLength={field.maxLength} disabled={disabled} value={text} onChange={(e) => set(field.name, e.target.value)} hint={hint} error={error} />;
          case 'json':
            return (
              <TextAreaField
                key={field.name}
                label={field.label}
                required={field.required}
                dir="ltr"
                spellCheck={false}
                className="font-mono text-xs"
                disabled={disabled}
                value={text}
                onChange={(e) => set(field.name, e.target.value)}
                hint={hint ?? t('playground.jsonHint')}
                error={error}
              />
            );
          default:
            return <TextAreaField key={field.name} label={field.label} required={field.required} maxLength={field.maxLength} disabled={disabled} className="min-h-32" value={text} onChange={(e) => set(field.name, e.target.value)} hint={hint} error={error} />;
        }
      })}
    </div>
  );
}
