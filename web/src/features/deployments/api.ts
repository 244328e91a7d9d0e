import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  createDeploymentApiDeploymentsPost,
  deleteDeploymentApiDeploymentsDeploymentIdDelete,
  deploymentMetricsApiDeploymentsDeploymentIdMetricsGet,
  listDeploymentsApiDeploymentsGet,
  readRoutingApiRoutingGet,
  setRoutingApiRoutingPut,
  updateDeploymentApiDeploymentsDeploymentIdPatch,
  type DeploymentCreate,
  type DeploymentUpdate,
  type Strategy,
} from '@/client';
import { unwrap } from '@/lib/api';

export const STRATEGIES: Strategy[] = ['round_robin', 'weighted', 'least_latency', 'least_cost', 'least_busy', 'fallback'];

/** How often the live metrics refresh. */
export const METRICS_REFRESH_MS = 5_000;

export const deploymentsQuery = queryOptions({
  queryKey: ['deployments'],
  queryFn: () => unwrap(listDeploymentsApiDeploymentsGet({ query: { limit: 200 } })),
});

export const routingQuery = queryOptions({
  queryKey: ['routing'],
  queryFn: () => unwrap(readRoutingApiRoutingGet()),
});

/** Per-minute figures of the last hour, refreshed every few seconds while shown. */
export function useDeploymentMetrics(id: string) {
  return useQuery({
    queryKey: ['deployments', id, 'metrics'],
    queryFn: () => unwrap(deploymentMetricsApiDeploymentsDeploymentIdMetricsGet({ path: { deployment_id: id }, query: { bucket: 'minute' } })),
    refetchInterval: METRICS_REFRESH_MS,
  });
}

export function useCreateDeployment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: DeploymentCreate) => unwrap(createDeploymentApiDeploymentsPost({ body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['deployments'] }),
  });
}

export function useUpdateDeployment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: DeploymentUpdate }) => unwrap(updateDeploymentApiDeploymentsDeploymentIdPatch({ path: { deployment_id: id }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['deployments'] }),
  });
}

export function useDeleteDeployment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(deleteDeploymentApiDeploymentsDeploymentIdDelete({ path: { deployment_id: id } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['deployments'] }),
  });
}

export function useSetRouting() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (strategy: Strategy | null) => unwrap(setRoutingApiRoutingPut({ body: { strategy } })),
    onSuccess: (data) => queryClient.setQueryData(routingQuery.queryKey, data),
  });
}
