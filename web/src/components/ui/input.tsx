import { forwardRef, type InputHTMLAttributes, type ReactNode, type TextareaHTMLAttributes } from 'react';
import { cn } from '@/lib/cn';
import { controlClasses, Field } from './field';

export interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  labelExtra?: ReactNode;
  id?: string;
  fieldClassName?: string;
}

export const TextField = forwardRef<HTMLInputElement, TextFieldProps>(function TextField(
  { label, error, hint, labelExtra, id, className, fieldClassName, required, ...props },
  ref,
) {
  return (
    <Field label={label} error={error} hint={hint} labelExtra={labelExtra} id={id} required={required} className={fieldClassName}>
      {(field) => <input ref={ref} {...field} required={required} className={cn(controlClasses, 'h-10', className)} {...props} />}
    </Field>
  );
});

export interface TextAreaFieldProps extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id'> {
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  id?: string;
}

export const TextAreaField = forwardRef<HTMLTextAreaElement, TextAreaFieldProps>(function TextAreaField(
  { label, error, hint, id, className, required, ...props },
  ref,
) {
  return (
    <Field label={label} error={error} hint={hint} id={id} required={required}>
      {(field) => <textarea ref={ref} {...field} required={required} className={cn(controlClasses, 'min-h-20 py-2', className)} {...props} />}
    </Field>
  );
});

/** A bare input for toolbars (its label is given by aria-label or a visually hidden label). */
export const Input = forwardRef<HTMLInputElement, InputHTMLAttributes<HTMLInputElement>>(function Input({ className, ...props }, ref) {
  return <input ref={ref} className={cn(controlClasses, 'h-9', className)} {...props} />;
});
