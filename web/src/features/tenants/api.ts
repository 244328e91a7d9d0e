import { useMutation, useQueryClient } from '@tanstack/react-query';
import { createTenantApiTenantsPost, updateCurrentTenantApiTenantsCurrentPatch, type TenantCreate, type TenantUpdate } from '@/client';
import { unwrap } from '@/lib/api';
import { currentTenantQuery, meQuery } from '@/features/session/api';

export function useCreateTenant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TenantCreate) => unwrap(createTenantApiTenantsPost({ body })),
    onSuccess: async () => {
      // The session switched to the new tenant: drop everything from the previous one.
      queryClient.clear();
      await queryClient.fetchQuery(meQuery);
    },
  });
}

export function useUpdateTenant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TenantUpdate) => unwrap(updateCurrentTenantApiTenantsCurrentPatch({ body })),
    onSuccess: (tenant) => {
      queryClient.setQueryData(currentTenantQuery.queryKey, tenant);
      void queryClient.invalidateQueries({ queryKey: ['tenants'] });
      void queryClient.invalidateQueries({ queryKey: meQuery.queryKey });
    },
  });
}

/** A URL slug from a name: "Acme Labs" -> "acme-labs". */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}
