import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { FormError } from './alert';
import { Button } from './button';
import { ConfirmDialog } from './dialog';
import { TextField } from './input';
import { ApiError } from '@/lib/problem';

describe('TextField', () => {
  it('is labelled, and wires its error for assistive technology', () => {
    render(<TextField label="Email" error="Email is invalid" hint="We never share it" />);
    const input = screen.getByLabelText('Email');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription('Email is invalid');
  });

  it('shows the hint when there is no error', () => {
    render(<TextField label="Name" hint="Your full name" />);
    expect(screen.getByLabelText('Name')).toHaveAccessibleDescription('Your full name');
    expect(screen.getByLabelText('Name')).not.toHaveAttribute('aria-invalid');
  });
});

describe('Button', () => {
  it('is busy and inert while loading', async () => {
    const onClick = vi.fn();
    render(
      <Button loading onClick={onClick}>
        Save
      </Button>,
    );
    const button = screen.getByRole('button', { name: 'Save' });
    expect(button).toBeDisabled();
    expect(button).toHaveAttribute('aria-busy', 'true');
    await userEvent.click(button);
    expect(onClick).not.toHaveBeenCalled();
  });
});

describe('FormError', () => {
  it('announces the server detail and the field errors no input shows', () => {
    render(<FormError error={new ApiError({ status: 409, code: 'conflict', detail: 'Already taken' })} extra={['slug: taken']} />);
    expect(screen.getByRole('alert')).toHaveTextContent('Already taken');
    expect(screen.getByRole('alert')).toHaveTextContent('slug: taken');
  });
});

describe('ConfirmDialog', () => {
  it('is a labelled dialog that confirms or cancels', async () => {
    const onConfirm = vi.fn();
    const onOpenChange = vi.fn();
    render(<ConfirmDialog open onOpenChange={onOpenChange} title="Delete it?" description="Gone forever" confirmLabel="Delete" onConfirm={onConfirm} />);
    expect(screen.getByRole('dialog', { name: 'Delete it?' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(onConfirm).toHaveBeenCalledOnce();
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onOpenChange).toHaveBeenCalledWith(false);
  });
});
