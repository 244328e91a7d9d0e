import type { ExportStatus } from '@/client';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUSES = new Set<string>(['queued', 'running', 'succeeded', 'failed', 'cancelled']);

/** What a new export starts from: `/exports/new?file=<id>` or `?run=<id>`. */
export interface NewExportSearch {
  file?: string;
  run?: string;
}

export function validateNewExportSearch(search: Record<string, unknown>): NewExportSearch {
  const out: NewExportSearch = {};
  if (typeof search.file === 'string' && UUID.test(search.file)) out.file = search.file;
  if (typeof search.run === 'string' && UUID.test(search.run)) out.run = search.run;
  return out;
}

/** The history's filter: `/exports?status=failed`. */
export interface ExportsSearch {
  status?: ExportStatus;
}

export function validateExportsSearch(search: Record<string, unknown>): ExportsSearch {
  return typeof search.status === 'string' && STATUSES.has(search.status) ? { status: search.status as ExportStatus } : {};
}

/** A title typed by a person, as the API takes it: trimmed, null when empty. */
export function cleanTitle(title: string): string | null {
  const trimmed = title.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  return trimmed ? trimmed.slice(0, 300) : null;
}
