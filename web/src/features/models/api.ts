import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { clearModelPriceApiModelsModelIdPriceDelete, listModelsApiModelsGet, setModelPriceApiModelsModelIdPricePut, type PriceOverrideSet } from '@/client';
import { unwrap } from '@/lib/api';

/** The active catalog with the prices this tenant pays. */
export const modelsQuery = queryOptions({
  queryKey: ['models'],
  queryFn: () => unwrap(listModelsApiModelsGet({ query: { limit: 200 } })),
});

export function useSetModelPrice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: PriceOverrideSet }) => unwrap(setModelPriceApiModelsModelIdPricePut({ path: { model_id: id }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['models'] }),
  });
}

export function useClearModelPrice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(clearModelPriceApiModelsModelIdPriceDelete({ path: { model_id: id } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['models'] }),
  });
}
