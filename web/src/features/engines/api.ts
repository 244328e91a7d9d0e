import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  archiveEngineApiEnginesEngineIdDelete,
  createEngineApiEnginesPost,
  createVersionApiEnginesEngineIdVersionsPost,
  diffVersionsApiEnginesEngineIdDiffGet,
  listEnginesApiEnginesGet,
  publishVersionApiEnginesEngineIdVersionsNumberPublishPost,
  readAssignmentsApiEnginesEngineIdAssignmentsGet,
  readEngineApiEnginesEngineIdGet,
  setAssignmentsApiEnginesEngineIdAssignmentsPut,
  updateEngineApiEnginesEngineIdPatch,
  updateVersionApiEnginesEngineIdVersionsNumberPut,
  type Assignments,
  type EngineCreate,
  type EngineUpdate,
  type VersionSpec,
} from '@/client';
import { unwrap } from '@/lib/api';

export const enginesQuery = queryOptions({
  queryKey: ['engines'],
  queryFn: () => unwrap(listEnginesApiEnginesGet({ query: { limit: 200 } })),
});

export const engineQuery = (id: string) =>
  queryOptions({
    queryKey: ['engines', id],
    queryFn: () => unwrap(readEngineApiEnginesEngineIdGet({ path: { engine_id: id } })),
  });

export const assignmentsQuery = (id: string) =>
  queryOptions({
    queryKey: ['engines', id, 'assignments'],
    queryFn: () => unwrap(readAssignmentsApiEnginesEngineIdAssignmentsGet({ path: { engine_id: id } })),
  });

export function useVersionDiff(id: string, from: number | null, to: number | null) {
  return useQuery({
    queryKey: ['engines', id, 'diff', from, to],
    queryFn: () => unwrap(diffVersionsApiEnginesEngineIdDiffGet({ path: { engine_id: id }, query: { from: from!, to: to! } })),
    enabled: from !== null && to !== null && from !== to,
  });
}

/** A slug from a name: "Support Reply v2" -> "support-reply-v2". */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

function useEngineMutation<T, R>(fn: (args: T) => Promise<R>, id?: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: id ? ['engines', id] : ['engines'] }).then(() => queryClient.invalidateQueries({ queryKey: ['engines'], exact: true })),
  });
}

export const useCreateEngine = () => useEngineMutation((body: EngineCreate) => unwrap(createEngineApiEnginesPost({ body })));
export const useUpdateEngine = (id: string) => useEngineMutation((body: EngineUpdate) => unwrap(updateEngineApiEnginesEngineIdPatch({ path: { engine_id: id }, body })), id);
export const useArchiveEngine = () => useEngineMutation((id: string) => unwrap(archiveEngineApiEnginesEngineIdDelete({ path: { engine_id: id } })));
export const useCreateVersion = (id: string) => useEngineMutation((body: VersionSpec) => unwrap(createVersionApiEnginesEngineIdVersionsPost({ path: { engine_id: id }, body })), id);
export const useUpdateVersion = (id: string) =>
  useEngineMutation(({ number, body }: { number: number; body: VersionSpec }) => unwrap(updateVersionApiEnginesEngineIdVersionsNumberPut({ path: { engine_id: id, number }, body })), id);
export const usePublishVersion = (id: string) => useEngineMutation((number: number) => unwrap(publishVersionApiEnginesEngineIdVersionsNumberPublishPost({ path: { engine_id: id, number } })), id);
export const useSetAssignments = (id: string) => useEngineMutation((body: Assignments) => unwrap(setAssignmentsApiEnginesEngineIdAssignmentsPut({ path: { engine_id: id }, body })), id);
