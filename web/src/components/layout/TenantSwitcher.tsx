import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { Building2, ChevronsUpDown, Plus } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import type { MeRead } from '@/client';
import { Button } from '@/components/ui/button';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuRadioGroup,
  DropdownMenuRadioItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from '@/components/ui/dropdown-menu';
import { useToast } from '@/components/ui/toast';
import { myTenantsQuery, useSwitchTenant } from '@/features/session/api';
import { isApiError } from '@/lib/problem';

export function TenantSwitcher({ me }: { me: MeRead }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { toast } = useToast();
  const tenants = useQuery(myTenantsQuery);
  const switchTenant = useSwitchTenant();
  const list = tenants.data ?? me.memberships.map((m) => ({ id: m.tenant_id, name: m.tenant_name, role: m.role, status: 'active' as const, slug: '' }));
  const current = list.find((tenant) => tenant.id === me.tenant_id);

  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="outline" size="sm" className="h-9 max-w-64 justify-between gap-2" aria-label={t('tenants.switcherLabel', { tenant: current?.name ?? t('tenants.none') })}>
          <Building2 aria-hidden className="size-4 text-fg-muted" />
          <span className="truncate">{current?.name ?? t('tenants.none')}</span>
          <ChevronsUpDown aria-hidden className="size-3.5 text-fg-muted" />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="start" className="min-w-64">
        <DropdownMenuLabel>{t('tenants.yourTenants')}</DropdownMenuLabel>
        <DropdownMenuRadioGroup
          value={me.tenant_id ?? ''}
          onValueChange={(id) => {
            if (id === me.tenant_id) return;
            switchTenant.mutate(id, {
              onSuccess: () => {
                const name = list.find((tenant) => tenant.id === id)?.name ?? '';
                toast({ title: t('tenants.switched', { tenant: name }), variant: 'success' });
                void navigate({ to: '/' });
              },
              onError: (e) => toast({ title: isApiError(e) ? e.detail : t('errors.unknown'), variant: 'error' }),
            });
          }}
        >
          {list.map((tenant) => (
            <DropdownMenuRadioItem key={tenant.id} value={tenant.id}>
              <span className="flex flex-1 items-center justify-between gap-3">
                <span className="truncate">{tenant.name}</span>
                <span className="text-xs text-fg-muted">{t(`roles.${tenant.role}`)}</span>
              </span>
            </DropdownMenuRadioItem>
          ))}
        </DropdownMenuRadioGroup>
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={() => void navigate({ to: '/onboarding' })}>
          <Plus aria-hidden className="size-4" />
          {t('tenants.create')}
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
