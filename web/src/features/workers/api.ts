import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import {
  drainWorkerApiAdminWorkersWorkerIdDrainPost,
  getWorkerApiAdminWorkersWorkerIdGet,
  listDeadLettersApiAdminDeadLettersGet,
  listTaskFailuresApiAdminTaskFailuresGet,
  requeueDeadLetterApiAdminDeadLettersDeadLetterIdRequeuePost,
  resizeWorkerApiAdminWorkersWorkerIdResizePost,
  statusApiAdminWorkersStatusGet,
  type StatusRead,
  type WorkerRead,
} from '@/client';
import { unwrap } from '@/lib/api';

export const statusQueryKey = ['workers', 'status'] as const;

export const statusQuery = queryOptions({
  queryKey: statusQueryKey,
  queryFn: () => unwrap(statusApiAdminWorkersStatusGet()),
});

export const workerQuery = (id: string, minutes: number) =>
  queryOptions({
    queryKey: ['workers', 'detail', id, minutes],
    queryFn: () => unwrap(getWorkerApiAdminWorkersWorkerIdGet({ path: { worker_id: id }, query: { minutes, events: 50 } })),
    refetchInterval: 15_000,
  });

export function fetchFailures({ cursor }: { cursor: string | null }) {
  return unwrap(listTaskFailuresApiAdminTaskFailuresGet({ query: { cursor, limit: 10 } }));
}

export function fetchDeadLetters({ cursor, filters }: { cursor: string | null; filters: { pending: boolean } }) {
  return unwrap(listDeadLettersApiAdminDeadLettersGet({ query: { cursor, limit: 10, pending: filters.pending } }));
}

/** A worker as a control answered it, put into the live status until the next event. */
function useWorkerControl<T>(fn: (args: T) => Promise<WorkerRead>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (worker) => {
      queryClient.setQueryData<StatusRead>(statusQueryKey, (status) => status && { ...status, workers: status.workers.map((w) => (w.id === worker.id ? worker : w)) });
      return queryClient.invalidateQueries({ queryKey: ['workers', 'detail', worker.id] });
    },
  });
}

export const useDrain = () => useWorkerControl((id: string) => unwrap(drainWorkerApiAdminWorkersWorkerIdDrainPost({ path: { worker_id: id } })));
export const useResize = () =>
  useWorkerControl(({ id, concurrency }: { id: string; concurrency: number }) => unwrap(resizeWorkerApiAdminWorkersWorkerIdResizePost({ path: { worker_id: id }, body: { concurrency } })));

export function useRequeue() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(requeueDeadLetterApiAdminDeadLettersDeadLetterIdRequeuePost({ path: { dead_letter_id: id } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['workers', 'dead-letters'] }),
  });
}
