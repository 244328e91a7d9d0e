import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Skeleton } from './skeleton';
import type { ChartProps } from './chart-impl';

// ECharts is large: it loads only when a chart is on screen, in its own chunk.
const ChartImpl = lazy(() => import('./chart-impl'));

export type { ChartProps, ChartSeries } from './chart-impl';

export function Chart(props: ChartProps) {
  const { t } = useTranslation();
  return (
    <Suspense
      fallback={
        <div role="status" style={{ height: props.height ?? 260 }} className="flex flex-col justify-end gap-2">
          <span className="sr-only">{t('common.loading')}</span>
          <Skeleton className="h-full w-full" />
        </div>
      }
    >
      <ChartImpl {...props} />
    </Suspense>
  );
}
