import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import {
  checkProviderApiProvidersProviderIdTestPost,
  createProviderApiProvidersPost,
  deleteProviderApiProvidersProviderIdDelete,
  listProvidersApiProvidersGet,
  updateProviderApiProvidersProviderIdPatch,
  type ProviderCreateWritable,
  type ProviderKind,
  type ProviderUpdateWritable,
} from '@/client';
import { unwrap } from '@/lib/api';

export const PROVIDER_KINDS: ProviderKind[] = ['openai', 'azure_openai', 'anthropic', 'gemini', 'mock'];

/** Every provider the tenant can deploy on (its own and the platform's shared ones). */
export const providersQuery = queryOptions({
  queryKey: ['providers'],
  queryFn: () => unwrap(listProvidersApiProvidersGet({ query: { limit: 200 } })),
});

export function useCreateProvider() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ProviderCreateWritable) => unwrap(createProviderApiProvidersPost({ body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['providers'] }),
  });
}

export function useUpdateProvider() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: ProviderUpdateWritable }) => unwrap(updateProviderApiProvidersProviderIdPatch({ path: { provider_id: id }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['providers'] }),
  });
}

export function useDeleteProvider() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(deleteProviderApiProvidersProviderIdDelete({ path: { provider_id: id } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['providers'] });
      void queryClient.invalidateQueries({ queryKey: ['deployments'] });
    },
  });
}

export function useTestProvider() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(checkProviderApiProvidersProviderIdTestPost({ path: { provider_id: id } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['providers'] }),
  });
}
