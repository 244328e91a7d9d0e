import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import {
  createLevelApiLevelsPost,
  deleteLevelApiLevelsLevelIdDelete,
  listLevelsApiLevelsGet,
  myLevelApiLevelsMineGet,
  updateLevelApiLevelsLevelIdPatch,
  upgradeMyLevelApiLevelsMineUpgradePost,
  type LevelCreate,
  type LevelRead,
  type LevelUpdate,
} from '@/client';
import { unwrap } from '@/lib/api';

export const levelsQuery = queryOptions({
  queryKey: ['levels'],
  queryFn: () => unwrap(listLevelsApiLevelsGet({ query: { limit: 200 } })),
  select: (page) => ({ ...page, items: sortLevels(page.items) }),
});

export const myLevelQuery = queryOptions({
  queryKey: ['levels', 'mine'],
  queryFn: () => unwrap(myLevelApiLevelsMineGet()),
});

/** Levels in the order the tenant gave them (position), then by name. */
export function sortLevels(levels: LevelRead[]): LevelRead[] {
  return [...levels].sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));
}

/** The share of a limit used, 0..1 (0 when unlimited). */
export function usageRatio(used: number, limit: number | null | undefined): number {
  if (limit === null || limit === undefined || limit <= 0) return 0;
  return Math.min(1, Math.max(0, used / limit));
}

function invalidate(queryClient: ReturnType<typeof useQueryClient>) {
  void queryClient.invalidateQueries({ queryKey: ['levels'] });
}

export function useCreateLevel() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: (body: LevelCreate) => unwrap(createLevelApiLevelsPost({ body })), onSuccess: () => invalidate(queryClient) });
}

export function useUpdateLevel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: LevelUpdate }) => unwrap(updateLevelApiLevelsLevelIdPatch({ path: { level_id: id }, body })),
    onSuccess: () => invalidate(queryClient),
  });
}

export function useDeleteLevel() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: (id: string) => unwrap(deleteLevelApiLevelsLevelIdDelete({ path: { level_id: id } })), onSuccess: () => invalidate(queryClient) });
}

export function useUpgradeLevel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (slug: string) => unwrap(upgradeMyLevelApiLevelsMineUpgradePost({ body: { level: slug } })),
    onSuccess: () => {
      invalidate(queryClient);
      void queryClient.invalidateQueries({ queryKey: ['wallet'] });
    },
  });
}
