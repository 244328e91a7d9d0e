import type { SortKey, TypeFilter } from '@/client';
import { normalizeFolder } from './paths';

/** The file browser's state in its address: `/files?bucket=docs&folder=reports/&sort=size&order=desc`. */
export interface FilesSearch {
  bucket?: string;
  folder?: string;
  q?: string;
  type?: TypeFilter;
  sort?: SortKey;
  order?: 'asc' | 'desc';
  deleted?: boolean;
}

const TYPES = new Set<string>(['image', 'document', 'text', 'audio', 'video', 'archive', 'other']);
const SORTS = new Set<string>(['name', 'size', 'updated_at']);
const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export function validateFilesSearch(search: Record<string, unknown>): FilesSearch {
  const out: FilesSearch = {};
  if (typeof search.bucket === 'string' && BUCKET.test(search.bucket)) out.bucket = search.bucket;
  if (typeof search.folder === 'string') {
    const folder = normalizeFolder(search.folder);
    if (folder) out.folder = folder;
  }
  if (typeof search.q === 'string' && search.q.trim()) out.q = search.q.slice(0, 200);
  if (typeof search.type === 'string' && TYPES.has(search.type)) out.type = search.type as TypeFilter;
  if (typeof search.sort === 'string' && SORTS.has(search.sort)) out.sort = search.sort as SortKey;
  if (search.order === 'asc' || search.order === 'desc') out.order = search.order;
  if (search.deleted === true || search.deleted === 'true') out.deleted = true;
  return out;
}

/** The order a column starts in when first chosen: names A to Z, the largest and the newest first. */
export function defaultOrder(sort: SortKey): 'asc' | 'desc' {
  return sort === 'name' ? 'asc' : 'desc';
}
