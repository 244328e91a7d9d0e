import { infiniteQueryOptions, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import {
  copyFileApiStorageFilesFileIdCopyPost,
  createBucketApiStorageBucketsPost,
  deleteFileApiStorageFilesFileIdDelete,
  listBucketsApiStorageBucketsGet,
  listFilesApiStorageBucketsBucketFilesGet,
  listVersionsApiStorageFilesFileIdVersionsGet,
  moveFileApiStorageFilesFileIdPatch,
  readFileApiStorageFilesFileIdGet,
  restoreVersionApiStorageFilesFileIdVersionsNumberRestorePost,
  shareFileApiStorageFilesFileIdLinksPost,
  undeleteFileApiStorageFilesFileIdUndeletePost,
  usageApiStorageUsageGet,
  type BucketCreate,
  type FileRead,
  type LinkCreate,
  type SortKey,
  type TypeFilter,
} from '@/client';
import { client } from '@/client/client.gen';
import { unwrap } from '@/lib/api';

export const TYPE_FILTERS: TypeFilter[] = ['image', 'document', 'text', 'audio', 'video', 'archive', 'other'];
/** The columns the listing sorts by on the server. */
export const SORT_KEYS: SortKey[] = ['name', 'size', 'updated_at'];
export const PAGE_SIZE = 50;

export const bucketsQuery = queryOptions({
  queryKey: ['files', 'buckets'],
  queryFn: () => unwrap(listBucketsApiStorageBucketsGet()),
});

export const usageQuery = queryOptions({
  queryKey: ['files', 'usage'],
  queryFn: () => unwrap(usageApiStorageUsageGet()),
});

export interface ListingParams {
  bucket: string;
  folder: string;
  q: string;
  type: TypeFilter | '';
  sort: SortKey;
  order: 'asc' | 'desc';
  deleted: boolean;
}

export const listingQuery = (params: ListingParams) =>
  infiniteQueryOptions({
    queryKey: ['files', 'listing', params],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      unwrap(
        listFilesApiStorageBucketsBucketFilesGet({
          path: { bucket: params.bucket },
          query: {
            folder: params.folder,
            q: params.q || null,
            type: params.type || null,
            sort: params.sort,
            order: params.order,
            deleted: params.deleted,
            cursor: pageParam,
            limit: PAGE_SIZE,
          },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? null,
    enabled: Boolean(params.bucket),
  });

export const fileQueryKey = (id: string) => ['files', 'file', id] as const;

/** A file, polled while its preview is being made. */
export const fileQuery = (id: string) =>
  queryOptions({
    queryKey: fileQueryKey(id),
    queryFn: () => unwrap(readFileApiStorageFilesFileIdGet({ path: { file_id: id } })),
    refetchInterval: (query) => (query.state.data?.preview.status === 'pending' ? 1500 : false),
  });

export const versionsQuery = (id: string) =>
  queryOptions({
    queryKey: ['files', 'file', id, 'versions'],
    queryFn: () => unwrap(listVersionsApiStorageFilesFileIdVersionsGet({ path: { file_id: id } })),
  });

/** The address of a file's content (a version's, or the current one), shown or downloaded. */
export function contentUrl(id: string, options: { version?: number; download?: boolean } = {}): string {
  const query: Record<string, string | number | boolean> = {};
  if (options.version) query.version = options.version;
  if (options.download) query.download = true;
  return client.buildUrl({ url: '/api/storage/files/{file_id}/content', path: { file_id: id }, query });
}

/** Every change to files refreshes the listings, the usage and the file pages. */
function useFilesMutation<T, R>(fn: (args: T) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: ['files'] }) });
}

export const useCreateBucket = () => useFilesMutation((body: BucketCreate) => unwrap(createBucketApiStorageBucketsPost({ body })));

export const useMoveFile = () =>
  useFilesMutation(({ id, path, bucket }: { id: string; path: string; bucket?: string }) => unwrap(moveFileApiStorageFilesFileIdPatch({ path: { file_id: id }, body: { path, bucket: bucket ?? null } })));

export const useCopyFile = () =>
  useFilesMutation(({ id, path, bucket }: { id: string; path: string; bucket?: string }) => unwrap(copyFileApiStorageFilesFileIdCopyPost({ path: { file_id: id }, body: { path, bucket: bucket ?? null } })));

export const useDeleteFile = () =>
  useFilesMutation(async (file: FileRead) => {
    await unwrap(deleteFileApiStorageFilesFileIdDelete({ path: { file_id: file.id } }));
    return file;
  });

export const useUndeleteFile = () => useFilesMutation((id: string) => unwrap(undeleteFileApiStorageFilesFileIdUndeletePost({ path: { file_id: id } })));

export const useRestoreVersion = () =>
  useFilesMutation(({ id, number }: { id: string; number: number }) => unwrap(restoreVersionApiStorageFilesFileIdVersionsNumberRestorePost({ path: { file_id: id, number } })));

export const useShareFile = () => useMutation({ mutationFn: ({ id, body }: { id: string; body: LinkCreate }) => unwrap(shareFileApiStorageFilesFileIdLinksPost({ path: { file_id: id }, body })) });
