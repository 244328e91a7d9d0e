import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render, renderHook, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/lib/problem';
import { DataTable, type Column } from './data-table';
import { useCursorPagination, usePagedQuery, type Page } from './use-cursor-pagination';

interface Row {
  id: string;
  name: string;
  n: number;
}

const columns: Column<Row>[] = [
  { id: 'name', header: 'name-header', sortValue: (r) => r.name, cell: (r) => r.name },
  { id: 'n', header: 'n-header', sortValue: (r) => r.n, cell: (r) => String(r.n) },
];

const wrapper = ({ children }: { children: ReactNode }) => (
  <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>{children}</QueryClientProvider>
);

describe('useCursorPagination', () => {
  it('walks forward with next_cursor and back through visited pages', () => {
    const { result } = renderHook(() => useCursorPagination());
    expect(result.current).toMatchObject({ cursor: null, page: 1, hasPrevious: false });
    act(() => result.current.next('c2'));
    expect(result.current).toMatchObject({ cursor: 'c2', page: 2, hasPrevious: true });
    act(() => result.current.next(null));
    expect(result.current.page).toBe(2);
    act(() => result.current.next('c3'));
    act(() => result.current.previous());
    expect(result.current).toMatchObject({ cursor: 'c2', page: 2 });
  });

  it('starts again from the first page when the filters change', () => {
    const { result, rerender } = renderHook(({ filters }) => useCursorPagination(filters), { initialProps: { filters: { q: '' } } });
    act(() => result.current.next('c2'));
    expect(result.current.cursor).toBe('c2');
    rerender({ filters: { q: 'acme' } });
    expect(result.current).toMatchObject({ cursor: null, page: 1 });
  });
});

describe('usePagedQuery', () => {
  it('asks the API for the next page with the previous next_cursor', async () => {
    const pages: Record<string, Page<Row>> = {
      first: { items: [{ id: '1', name: 'a', n: 1 }], next_cursor: 'cur-2' },
      'cur-2': { items: [{ id: '2', name: 'b', n: 2 }], next_cursor: null },
    };
    const fetchPage = vi.fn(async ({ cursor }: { cursor: string | null }) => pages[cursor ?? 'first']!);
    const { result } = renderHook(() => usePagedQuery({ queryKey: ['rows'], filters: null, fetchPage }), { wrapper });
    await waitFor(() => expect(result.current.rows).toHaveLength(1));
    expect(result.current.pagination).toMatchObject({ page: 1, hasNext: true, hasPrevious: false });
    act(() => result.current.pagination.onNext());
    await waitFor(() => expect(result.current.rows?.[0]?.id).toBe('2'));
    expect(fetchPage).toHaveBeenLastCalledWith({ cursor: 'cur-2', filters: null });
    expect(result.current.pagination).toMatchObject({ page: 2, hasNext: false, hasPrevious: true });
    act(() => result.current.pagination.onPrevious());
    await waitFor(() => expect(result.current.rows?.[0]?.id).toBe('1'));
  });
});

describe('DataTable', () => {
  const rows: Row[] = [
    { id: '1', name: 'beta', n: 2 },
    { id: '2', name: 'alpha', n: 10 },
    { id: '3', name: 'gamma', n: 1 },
  ];
  const names = () => screen.getAllByRole('row').slice(1).map((r) => within(r).getAllByRole('cell')[0]!.textContent);

  it('sorts by a column, ascending then descending, and says so', async () => {
    render(<DataTable caption="things" columns={columns} rows={rows} rowKey={(r) => r.id} empty={null} />);
    expect(screen.getByRole('table', { name: 'things' })).toBeInTheDocument();
    expect(names()).toEqual(['beta', 'alpha', 'gamma']);
    await userEvent.click(screen.getByRole('button', { name: /name-header/ }));
    expect(names()).toEqual(['alpha', 'beta', 'gamma']);
    expect(screen.getByRole('columnheader', { name: /name-header/ })).toHaveAttribute('aria-sort', 'ascending');
    await userEvent.click(screen.getByRole('button', { name: /name-header/ }));
    expect(names()).toEqual(['gamma', 'beta', 'alpha']);
    await userEvent.click(screen.getByRole('button', { name: /n-header/ }));
    expect(names()).toEqual(['gamma', 'beta', 'alpha']);
  });

  it('shows loading, empty and error states', () => {
    const { rerender } = render(<DataTable caption="t" columns={columns} rows={undefined} rowKey={(r) => r.id} isLoading empty={<p>nothing</p>} />);
    expect(screen.getByRole('status')).toHaveTextContent('Loading');
    rerender(<DataTable caption="t" columns={columns} rows={[]} rowKey={(r) => r.id} empty={<p>nothing</p>} />);
    expect(screen.getByText('nothing')).toBeInTheDocument();
    const onRetry = vi.fn();
    rerender(<DataTable caption="t" columns={columns} rows={undefined} rowKey={(r) => r.id} error={new ApiError({ status: 500, code: 'x', detail: 'server detail' })} onRetry={onRetry} empty={null} />);
    expect(screen.getByRole('alert')).toHaveTextContent('server detail');
  });

  it('offers next and previous pages as the cursor allows', async () => {
    const onNext = vi.fn();
    const onPrevious = vi.fn();
    render(
      <DataTable
        caption="t"
        columns={columns}
        rows={rows}
        rowKey={(r) => r.id}
        empty={null}
        pagination={{ page: 1, hasNext: true, hasPrevious: false, onNext, onPrevious }}
      />,
    );
    const nav = screen.getByRole('navigation', { name: 'Pagination' });
    expect(within(nav).getByRole('button', { name: /Previous/ })).toBeDisabled();
    await userEvent.click(within(nav).getByRole('button', { name: /Next/ }));
    expect(onNext).toHaveBeenCalledOnce();
  });
});
