import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import {
  checkProviderApiProvidersProviderIdTestPost,
  createProviderApiProvidersPost,
  deleteProviderApiProvidersProviderIdDelete,
  listProvidersApiProvidersGet,
  updateProviderApiProvidersProviderIdPatch,
  type CreateProviderApiProvidersPostData,
  type ProviderKind,
  type UpdateProviderApiProvidersProviderIdPatchData,
} from '@/client';
import { unwrap } from '@/lib/api';

export const PROVIDER_KINDS: ProviderKind[] = ['openai', 'azure_openai', 'anthropic', 'gemini', 'mock'];

/** A provider's body: one shape per kind, told apart by `kind` (which never changes). */
export type ProviderCreateBody = CreateProviderApiProvidersPostData['body'];
export type ProviderUpdateBody = UpdateProviderApiProvidersProviderIdPatchData['body'];

/**
 * The form field a provider problem names: the API puts the kind in the path
 * (`mock.options.chunk_delay_ms`), the form has one `options` field.
 */
export function providerField(name: string, kind: ProviderKind): string {
  const bare = name.startsWith(`${kind}.`) ? name.slice(kind.length + 1) : name;
  return bare.startsWith('options.') ? 'options' : bare;
}

/** Every provider the tenant can deploy on (its own and the platform's shared ones). */
export const providersQuery = queryOptions({
  queryKey: ['providers'],
  queryFn: () => unwrap(listProvidersApiProvidersGet({ query: { limit: 200 } })),
});

export function useCreateProvider() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ProviderCreateBody) => unwrap(createProviderApiProvidersPost({ body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['providers'] }),
  });
}

export function useUpdateProvider() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: ProviderUpdateBody }) => unwrap(updateProviderApiProvidersProviderIdPatch({ path: { provider_id: id }, body })),
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
