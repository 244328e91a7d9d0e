import { ArrowDown, ArrowUp, ArrowUpDown, ChevronLeft, ChevronRight } from 'lucide-react';
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { cn } from '@/lib/cn';
import { Button } from './button';
import { Skeleton } from './skeleton';
import { ErrorState } from './states';

export interface Column<T> {
  id: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** Makes the column sortable (within the loaded page). */
  sortValue?: (row: T) => string | number | null | undefined;
  className?: string;
  align?: 'start' | 'end';
}

export interface PaginationProps {
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  isFetching?: boolean;
}

export interface DataTableProps<T> {
  /** The table's accessible name. */
  caption: string;
  columns: Column<T>[];
  rows: T[] | undefined;
  rowKey: (row: T) => string;
  isLoading?: boolean;
  error?: unknown;
  onRetry?: () => void;
  empty: ReactNode;
  toolbar?: ReactNode;
  pagination?: PaginationProps;
  skeletonRows?: number;
}

type Sort = { id: string; direction: 'ascending' | 'descending' } | null;

function compare(a: string | number | null | undefined, b: string | number | null | undefined): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

export function DataTable<T>({ caption, columns, rows, rowKey, isLoading, error, onRetry, empty, toolbar, pagination, skeletonRows = 5 }: DataTableProps<T>) {
  const { t } = useTranslation();
  const [sort, setSort] = useState<Sort>(null);

  const sorted = useMemo(() => {
    if (!rows || !sort) return rows;
    const column = columns.find((c) => c.id === sort.id);
    if (!column?.sortValue) return rows;
    const value = column.sortValue;
    const out = [...rows].sort((a, b) => compare(value(a), value(b)));
    return sort.direction === 'descending' ? out.reverse() : out;
  }, [rows, sort, columns]);

  const toggleSort = (id: string) =>
    setSort((current) =>
      current?.id !== id ? { id, direction: 'ascending' } : current.direction === 'ascending' ? { id, direction: 'descending' } : null,
    );

  let body: ReactNode;
  if (error && !rows) {
    body = <ErrorState error={error} onRetry={onRetry} />;
  } else if (isLoading && !rows) {
    body = (
      <div role="status" aria-live="polite" className="flex flex-col gap-3 p-4">
        <span className="sr-only">{t('common.loading')}</span>
        {Array.from({ length: skeletonRows }, (_, i) => (
          <div key={i} className="flex gap-4">
            {columns.map((c) => (
              <Skeleton key={c.id} className="h-5 flex-1" />
            ))}
          </div>
        ))}
      </div>
    );
  } else if (!sorted || sorted.length === 0) {
    body = <div className="p-4">{empty}</div>;
  } else {
    body = (
      // relative: the visually hidden header texts (absolutely positioned) stay inside the scroller
      // instead of widening the page when the table is wider than the screen.
      <div className="relative overflow-x-auto">
        <table className="w-full border-collapse text-sm">
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr className="border-b border-border bg-surface-muted/60">
              {columns.map((column) => {
                const active = sort?.id === column.id ? sort.direction : undefined;
                return (
                  <th
                    key={column.id}
                    scope="col"
                    aria-sort={column.sortValue ? (active ?? 'none') : undefined}
                    className={cn('px-4 py-2.5 text-xs font-semibold tracking-wide text-fg-muted uppercase', column.align === 'end' ? 'text-end' : 'text-start', column.className)}
                  >
                    {column.sortValue ? (
                      <button
                        type="button"
                        onClick={() => toggleSort(column.id)}
                        className="inline-flex items-center gap-1 rounded-sm uppercase hover:text-fg"
                      >
                        {column.header}
                        {active === 'ascending' ? (
                          <ArrowUp aria-hidden className="size-3.5" />
                        ) : active === 'descending' ? (
                          <ArrowDown aria-hidden className="size-3.5" />
                        ) : (
                          <ArrowUpDown aria-hidden className="size-3.5 opacity-50" />
                        )}
                      </button>
                    ) : (
                      column.header
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {sorted.map((row) => (
              <tr key={rowKey(row)} className="border-b border-border last:border-b-0 hover:bg-surface-muted/50">
                {columns.map((column) => (
                  <td key={column.id} className={cn('px-4 py-3 align-middle', column.align === 'end' ? 'text-end' : 'text-start', column.className)}>
                    {column.cell(row)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }

  return (
    <div className="flex flex-col gap-3">
      {toolbar && <div className="flex flex-wrap items-end gap-3">{toolbar}</div>}
      <div className="overflow-hidden rounded-lg border border-border bg-surface" aria-busy={isLoading || pagination?.isFetching || undefined}>
        {body}
      </div>
      {pagination && (pagination.hasNext || pagination.hasPrevious) && (
        <nav aria-label={t('table.pagination')} className="flex items-center justify-end gap-2">
          <span className="text-xs text-fg-muted" aria-live="polite">
            {t('table.page', { page: pagination.page })}
          </span>
          <Button variant="outline" size="sm" onClick={pagination.onPrevious} disabled={!pagination.hasPrevious || pagination.isFetching}>
            <ChevronLeft aria-hidden className="rtl-flip size-4" />
            {t('table.previous')}
          </Button>
          <Button variant="outline" size="sm" onClick={pagination.onNext} disabled={!pagination.hasNext || pagination.isFetching}>
            {t('table.next')}
            <ChevronRight aria-hidden className="rtl-flip size-4" />
          </Button>
        </nav>
      )}
    </div>
  );
}
