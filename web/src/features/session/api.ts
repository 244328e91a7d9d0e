import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  listMyTenantsApiTenantsGet,
  loginApiAuthLoginPost,
  logoutApiAuthLogoutPost,
  readCurrentTenantApiTenantsCurrentGet,
  readMeApiMeGet,
  resendVerificationApiAuthVerifyEmailResendPost,
  switchTenantApiAuthSwitchTenantPost,
  updateMeApiMePatch,
  type LoginRequest,
  type MeRead,
  type ProfileUpdate,
} from '@/client';
import { unwrap } from '@/lib/api';
import { stopImpersonation } from '@/lib/impersonation';

export const meQuery = queryOptions({
  queryKey: ['me'],
  queryFn: () => unwrap(readMeApiMeGet()),
  staleTime: 60_000,
});

export const currentTenantQuery = queryOptions({
  queryKey: ['tenant', 'current'],
  queryFn: () => unwrap(readCurrentTenantApiTenantsCurrentGet()),
});

export const myTenantsQuery = queryOptions({
  queryKey: ['tenants', 'mine'],
  queryFn: () => unwrap(listMyTenantsApiTenantsGet()),
});

export function useMe() {
  return useQuery(meQuery);
}

export function hasPermission(me: MeRead | undefined, permission: string): boolean {
  return Boolean(me?.permissions.includes(permission));
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginRequest) => unwrap(loginApiAuthLoginPost({ body })),
    onSuccess: async () => {
      stopImpersonation();
      queryClient.clear();
      await queryClient.fetchQuery(meQuery);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(logoutApiAuthLogoutPost()),
    onSettled: () => {
      stopImpersonation();
      queryClient.clear();
    },
  });
}

export function useSwitchTenant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (tenantId: string) => unwrap(switchTenantApiAuthSwitchTenantPost({ body: { tenant_id: tenantId } })),
    onSuccess: async () => {
      // Everything cached belongs to the previous tenant.
      queryClient.clear();
      await queryClient.fetchQuery(meQuery);
    },
  });
}

export function useUpdateProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ProfileUpdate) => unwrap(updateMeApiMePatch({ body })),
    onSuccess: (me) => queryClient.setQueryData(meQuery.queryKey, me),
  });
}

export function useResendVerification() {
  return useMutation({ mutationFn: () => unwrap(resendVerificationApiAuthVerifyEmailResendPost()) });
}
