import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import {
  cancelExportApiExportsJobIdCancelPost,
  createExportApiExportsPost,
  createTemplateApiExportsTemplatesPost,
  deleteTemplateApiExportsTemplatesSlugDelete,
  listExportsApiExportsGet,
  listTemplatesApiExportsTemplatesGet,
  readExportApiExportsJobIdGet,
  readSettingsApiExportsSettingsGet,
  retryExportApiExportsJobIdRetryPost,
  updateTemplateApiExportsTemplatesSlugPut,
  writeSettingsApiExportsSettingsPut,
  type ExportCreate,
  type ExportDefaults,
  type ExportFormat,
  type ExportRead,
  type ExportStatus,
  type Layout,
  type ListTemplatesApiExportsTemplatesGetResponse,
} from '@/client';
import { client } from '@/client/client.gen';
import { unwrap } from '@/lib/api';

/** An export template (named through its list: the schema's name is shared with workflow templates). */
export type ExportTemplate = ListTemplatesApiExportsTemplatesGetResponse[number];

export const FORMATS: ExportFormat[] = ['pdf', 'epub', 'docx', 'html', 'markdown', 'text'];
export const EXPORT_STATUSES: ExportStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
export const FINISHED: ReadonlySet<ExportStatus> = new Set<ExportStatus>(['succeeded', 'failed', 'cancelled']);
/** The stages the renderer reports, in order (others are shown as sent). */
export const STAGES = ['loading', 'parsing', 'start', 'chapters', 'typesetting', 'package', 'previewing', 'saving', 'done'] as const;

export const templatesQuery = queryOptions({
  queryKey: ['exports', 'templates'],
  queryFn: () => unwrap(listTemplatesApiExportsTemplatesGet()),
});

export const settingsQuery = queryOptions({
  queryKey: ['exports', 'settings'],
  queryFn: () => unwrap(readSettingsApiExportsSettingsGet()),
});

export const exportQueryKey = (id: string) => ['exports', 'detail', id] as const;

export const exportQuery = (id: string) =>
  queryOptions({
    queryKey: exportQueryKey(id),
    queryFn: () => unwrap(readExportApiExportsJobIdGet({ path: { job_id: id } })),
  });

export interface ExportFilters {
  status: '' | ExportStatus;
}

export function fetchExports({ cursor, filters, limit = 25 }: { cursor: string | null; filters: ExportFilters; limit?: number }) {
  return unwrap(listExportsApiExportsGet({ query: { cursor, limit, status: filters.status || null } }));
}

/** Same-origin addresses of an export's result and preview pages. */
export const downloadUrl = (id: string) => client.buildUrl({ url: '/api/exports/{job_id}/download', path: { job_id: id } });
export const previewUrl = (id: string, page: number) => client.buildUrl({ url: '/api/exports/{job_id}/preview/{page}', path: { job_id: id, page } });

/** An export's event, when it is one (the live view drops anything else). */
export function parseExportEvent(data: unknown): ExportRead | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const value = data as Partial<ExportRead>;
  return typeof value.id === 'string' && typeof value.status === 'string' && typeof value.progress === 'number' ? (value as ExportRead) : undefined;
}

export function useCreateExport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ExportCreate) => unwrap(createExportApiExportsPost({ body })),
    onSuccess: (job) => {
      queryClient.setQueryData(exportQueryKey(job.id), job);
      return queryClient.invalidateQueries({ queryKey: ['exports', 'list'] });
    },
  });
}

export type ExportAction = 'cancel' | 'retry';
const ACTIONS = { cancel: cancelExportApiExportsJobIdCancelPost, retry: retryExportApiExportsJobIdRetryPost };

/** Cancel and retry answer with the export as it now is: it goes straight into the cache. */
export function useExportAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: ExportAction }) => unwrap(ACTIONS[action]({ path: { job_id: id } })),
    onSuccess: (job) => {
      queryClient.setQueryData(exportQueryKey(job.id), job);
      return queryClient.invalidateQueries({ queryKey: ['exports', 'list'] });
    },
  });
}

function useTemplatesMutation<T, R>(fn: (args: T) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: ['exports', 'templates'] }) });
}

export const useCreateTemplate = () =>
  useTemplatesMutation((body: { slug: string; name: string; description: string; layout: Layout }) => unwrap(createTemplateApiExportsTemplatesPost({ body })));
export const useUpdateTemplate = () =>
  useTemplatesMutation(({ slug, ...body }: { slug: string; name: string; description: string; layout: Layout }) => unwrap(updateTemplateApiExportsTemplatesSlugPut({ path: { slug }, body })));
export const useDeleteTemplate = () => useTemplatesMutation((slug: string) => unwrap(deleteTemplateApiExportsTemplatesSlugDelete({ path: { slug } })));

export function useSaveSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ExportDefaults) => unwrap(writeSettingsApiExportsSettingsPut({ body })),
    onSuccess: (saved) => queryClient.setQueryData(settingsQuery.queryKey, saved),
  });
}
