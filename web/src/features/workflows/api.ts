import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import {
  addTriggerApiWorkflowsWorkflowIdTriggersPost,
  archiveWorkflowApiWorkflowsWorkflowIdDelete,
  cancelRunApiWorkflowRunsRunIdCancelPost,
  createWorkflowApiWorkflowsPost,
  decideApiWorkflowRunsRunIdApprovalsNodeIdPost,
  listRunsApiWorkflowRunsGet,
  listTemplatesApiWorkflowTemplatesGet,
  listTriggersApiWorkflowsWorkflowIdTriggersGet,
  listWorkflowsApiWorkflowsGet,
  newVersionApiWorkflowsWorkflowIdVersionsPost,
  pauseRunApiWorkflowRunsRunIdPausePost,
  publishVersionApiWorkflowsWorkflowIdVersionsNumberPublishPost,
  readRunApiWorkflowRunsRunIdGet,
  readWorkflowApiWorkflowsWorkflowIdGet,
  removeTriggerApiWorkflowsWorkflowIdTriggersTriggerIdDelete,
  rerunApiWorkflowRunsRunIdRerunPost,
  resumeRunApiWorkflowRunsRunIdResumePost,
  startRunApiWorkflowsWorkflowIdRunsPost,
  updateVersionApiWorkflowsWorkflowIdVersionsNumberPut,
  updateWorkflowApiWorkflowsWorkflowIdPatch,
  useTemplateApiWorkflowTemplatesTemplateIdUsePost,
  validateDefinitionApiWorkflowsValidatePost,
  type Definition,
  type RunCreate,
  type RunDetail,
  type RunStatus,
  type TriggerCreate,
  type WorkflowCreate,
  type WorkflowDetail,
  type WorkflowUpdate,
} from '@/client';
import { unwrap } from '@/lib/api';

/** One version of a workflow (named through the workflow so it survives schema renames). */
export type WorkflowVersion = WorkflowDetail['versions'][number];

export const RUN_STATUSES: RunStatus[] = ['running', 'paused', 'succeeded', 'failed', 'cancelled'];
export const FINISHED: ReadonlySet<RunStatus> = new Set<RunStatus>(['succeeded', 'failed', 'cancelled']);

export const workflowsQuery = queryOptions({
  queryKey: ['workflows', 'list'],
  queryFn: () => unwrap(listWorkflowsApiWorkflowsGet({ query: { limit: 200 } })),
});

export const workflowQuery = (id: string) =>
  queryOptions({
    queryKey: ['workflows', 'detail', id],
    queryFn: () => unwrap(readWorkflowApiWorkflowsWorkflowIdGet({ path: { workflow_id: id } })),
  });

export const templatesQuery = queryOptions({
  queryKey: ['workflows', 'templates'],
  queryFn: () => unwrap(listTemplatesApiWorkflowTemplatesGet()),
});

export const triggersQuery = (id: string) =>
  queryOptions({
    queryKey: ['workflows', 'detail', id, 'triggers'],
    queryFn: () => unwrap(listTriggersApiWorkflowsWorkflowIdTriggersGet({ path: { workflow_id: id } })),
  });

export const runQueryKey = (id: string) => ['workflow-runs', 'detail', id] as const;

export const runQuery = (id: string) =>
  queryOptions({
    queryKey: runQueryKey(id),
    queryFn: () => unwrap(readRunApiWorkflowRunsRunIdGet({ path: { run_id: id } })),
  });

export interface RunFilters {
  workflowId: string;
  status: '' | RunStatus;
}

export function fetchRuns({ cursor, filters, limit = 25 }: { cursor: string | null; filters: RunFilters; limit?: number }) {
  return unwrap(listRunsApiWorkflowRunsGet({ query: { cursor, limit, workflow_id: filters.workflowId || null, status: filters.status || null } }));
}

export function validateDefinition(definition: unknown) {
  return unwrap(validateDefinitionApiWorkflowsValidatePost({ body: { definition } }));
}

function useWorkflowMutation<T, R>(fn: (args: T) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: ['workflows'] }) });
}

export const useCreateWorkflow = () => useWorkflowMutation((body: WorkflowCreate) => unwrap(createWorkflowApiWorkflowsPost({ body })));
export const useUpdateWorkflow = (id: string) => useWorkflowMutation((body: WorkflowUpdate) => unwrap(updateWorkflowApiWorkflowsWorkflowIdPatch({ path: { workflow_id: id }, body })));
export const useArchiveWorkflow = () => useWorkflowMutation((id: string) => unwrap(archiveWorkflowApiWorkflowsWorkflowIdDelete({ path: { workflow_id: id } })));
export const useUseTemplate = () =>
  useWorkflowMutation(({ templateId, slug, name }: { templateId: string; slug: string; name: string }) =>
    unwrap(useTemplateApiWorkflowTemplatesTemplateIdUsePost({ path: { template_id: templateId }, body: { slug, name: name || null } })),
  );
/**
 * A definition typed by a person, sent as it is: the server checks its shape and answers
 * 422 with a field error per problem (`definition.nodes.0.id`), shown per node.
 */
export const asDefinition = (value: Record<string, unknown>) => value as unknown as Definition;

export const useNewVersion = (id: string) =>
  useWorkflowMutation((body: { definition: Record<string, unknown>; notes?: string }) =>
    unwrap(newVersionApiWorkflowsWorkflowIdVersionsPost({ path: { workflow_id: id }, body: { ...body, definition: asDefinition(body.definition) } })),
  );
export const useSaveDraft = (id: string) =>
  useWorkflowMutation(({ number, definition, notes }: { number: number; definition: Record<string, unknown>; notes?: string }) =>
    unwrap(updateVersionApiWorkflowsWorkflowIdVersionsNumberPut({ path: { workflow_id: id, number }, body: { definition: asDefinition(definition), notes } })),
  );
export const usePublish = (id: string) => useWorkflowMutation((number: number) => unwrap(publishVersionApiWorkflowsWorkflowIdVersionsNumberPublishPost({ path: { workflow_id: id, number } })));
export const useAddTrigger = (id: string) => useWorkflowMutation((body: TriggerCreate) => unwrap(addTriggerApiWorkflowsWorkflowIdTriggersPost({ path: { workflow_id: id }, body })));
export const useRemoveTrigger = (id: string) =>
  useWorkflowMutation((triggerId: string) => unwrap(removeTriggerApiWorkflowsWorkflowIdTriggersTriggerIdDelete({ path: { workflow_id: id, trigger_id: triggerId } })));

export function useStartRun(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RunCreate) => unwrap(startRunApiWorkflowsWorkflowIdRunsPost({ path: { workflow_id: id }, body })),
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: ['workflow-runs'] }), queryClient.invalidateQueries({ queryKey: ['workflows'] })]),
  });
}

export type RunAction = 'pause' | 'resume' | 'cancel';
const ACTIONS = { pause: pauseRunApiWorkflowRunsRunIdPausePost, resume: resumeRunApiWorkflowRunsRunIdResumePost, cancel: cancelRunApiWorkflowRunsRunIdCancelPost };

/** Run controls answer with the run as it now is: it goes straight into the cache. */
function useRunMutation<T>(runId: string, fn: (args: T) => Promise<RunDetail>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (run) => {
      queryClient.setQueryData(runQueryKey(runId), run);
      return queryClient.invalidateQueries({ queryKey: ['workflow-runs', 'list'] });
    },
  });
}

export const useRunAction = (runId: string) => useRunMutation(runId, (action: RunAction) => unwrap(ACTIONS[action]({ path: { run_id: runId } })));
export const useRerun = (runId: string) => useRunMutation(runId, (nodeId: string) => unwrap(rerunApiWorkflowRunsRunIdRerunPost({ path: { run_id: runId }, body: { node_id: nodeId } })));
export const useDecide = (runId: string) =>
  useRunMutation(runId, ({ nodeId, approved, comment }: { nodeId: string; approved: boolean; comment: string }) =>
    unwrap(decideApiWorkflowRunsRunIdApprovalsNodeIdPost({ path: { run_id: runId, node_id: nodeId }, body: { approved, comment } })),
  );
