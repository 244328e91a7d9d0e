import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  createTenantApiAdminTenantsPost,
  impersonateApiAdminImpersonationsPost,
  listTenantsApiAdminTenantsGet,
  listUsersApiAdminUsersGet,
  reactivateTenantApiAdminTenantsTenantIdReactivatePost,
  suspendTenantApiAdminTenantsTenantIdSuspendPost,
  type AdminTenantCreate,
  type ImpersonationCreate,
} from '@/client';
import { unwrap } from '@/lib/api';

export const fetchAdminTenants = ({ cursor, filters }: { cursor: string | null; filters: { q: string } }) =>
  unwrap(listTenantsApiAdminTenantsGet({ query: { cursor, limit: 25, q: filters.q.trim() || undefined } }));

export const fetchAdminUsers = ({ cursor, filters }: { cursor: string | null; filters: { q: string } }) =>
  unwrap(listUsersApiAdminUsersGet({ query: { cursor, limit: 25, q: filters.q.trim() || undefined } }));

export function useSuspendTenant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ tenantId, reason }: { tenantId: string; reason: string }) =>
      unwrap(suspendTenantApiAdminTenantsTenantIdSuspendPost({ path: { tenant_id: tenantId }, body: { reason } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'tenants'] }),
  });
}

export function useReactivateTenant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (tenantId: string) => unwrap(reactivateTenantApiAdminTenantsTenantIdReactivatePost({ path: { tenant_id: tenantId } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'tenants'] }),
  });
}

export function useAdminCreateTenant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AdminTenantCreate) => unwrap(createTenantApiAdminTenantsPost({ body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'tenants'] }),
  });
}

export function useImpersonate() {
  return useMutation({ mutationFn: (body: ImpersonationCreate) => unwrap(impersonateApiAdminImpersonationsPost({ body })) });
}
