import * as Menu from '@radix-ui/react-dropdown-menu';
import type { ReactNode } from 'react';
import { cn } from '@/lib/cn';

export const DropdownMenu = Menu.Root;
export const DropdownMenuTrigger = Menu.Trigger;
export const DropdownMenuGroup = Menu.Group;
export const DropdownMenuRadioGroup = Menu.RadioGroup;

export function DropdownMenuContent({ children, align = 'end', className }: { children: ReactNode; align?: 'start' | 'end' | 'center'; className?: string }) {
  return (
    <Menu.Portal>
      <Menu.Content
        align={align}
        sideOffset={6}
        className={cn('z-50 min-w-48 rounded-lg border border-border bg-surface-raised p-1 text-fg shadow-lg', className)}
      >
        {children}
      </Menu.Content>
    </Menu.Portal>
  );
}

const itemClasses =
  'flex cursor-pointer items-center gap-2 rounded-md px-2.5 py-1.5 text-sm outline-none select-none data-[disabled]:opacity-50 data-[highlighted]:bg-primary-soft';

export function DropdownMenuItem({ children, onSelect, disabled, className }: { children: ReactNode; onSelect?: () => void; disabled?: boolean; className?: string }) {
  return (
    <Menu.Item onSelect={onSelect} disabled={disabled} className={cn(itemClasses, className)}>
      {children}
    </Menu.Item>
  );
}

export function DropdownMenuRadioItem({ children, value }: { children: ReactNode; value: string }) {
  return (
    <Menu.RadioItem value={value} className={cn(itemClasses, 'ps-7 relative')}>
      <Menu.ItemIndicator className="absolute start-2 inline-flex size-2 rounded-full bg-primary-text" />
      {children}
    </Menu.RadioItem>
  );
}

export function DropdownMenuLabel({ children }: { children: ReactNode }) {
  return <Menu.Label className="px-2.5 py-1.5 text-xs font-medium text-fg-muted">{children}</Menu.Label>;
}

export function DropdownMenuSeparator() {
  return <Menu.Separator className="my-1 h-px bg-border" />;
}
