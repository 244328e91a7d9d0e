import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useTheme } from '@/theme/ThemeProvider';

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export interface ChartSeries {
  name: string;
  /** null: no value for that category (a gap in a line, no bar). */
  data: Array<number | null>;
}

export interface ChartProps {
  type: 'line' | 'bar' | 'pie';
  /** Category labels (x axis, or slices for a pie). */
  categories: string[];
  series: ChartSeries[];
  /** The chart's accessible name; the data is also given as a table for screen readers. */
  label: string;
  height?: number;
}

function token(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

export default function ChartImpl({ type, categories, series, label, height = 260 }: ChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const chartRef = useRef<echarts.ECharts | null>(null);
  const { resolved, branding } = useTheme();
  // One chart instance per element and theme; data changes (live metrics) only update it.
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const chart = echarts.init(element, undefined, { renderer: 'canvas' });
    chartRef.current = chart;
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, [resolved, branding]);
  useEffect(() => {
    const chart = chartRef.current;
    if (!chart) return;
    const fg = token('--fg-muted');
    const border = token('--border');
    const palette = [token('--primary'), token('--accent'), token('--success'), token('--warning'), token('--danger')];
    const rtl = document.documentElement.dir === 'rtl';
    chart.setOption(
      {
        color: palette,
        textStyle: { color: fg, fontFamily: token('--font-sans') },
        tooltip: { trigger: type === 'pie' ? 'item' : 'axis' },
        legend: series.length > 1 || type === 'pie' ? { textStyle: { color: fg }, bottom: 0 } : undefined,
        grid: type === 'pie' ? undefined : { left: 40, right: 16, top: 16, bottom: series.length > 1 ? 40 : 24 },
        xAxis:
          type === 'pie'
            ? undefined
            : { type: 'category', data: categories, inverse: rtl, axisLine: { lineStyle: { color: border } }, axisLabel: { color: fg } },
        yAxis:
          type === 'pie'
            ? undefined
            : { type: 'value', minInterval: 1, position: rtl ? 'right' : 'left', splitLine: { lineStyle: { color: border } }, axisLabel: { color: fg } },
        series:
          type === 'pie'
            ? [{ type: 'pie', radius: ['45%', '70%'], data: categories.map((name, i) => ({ name, value: series[0]?.data[i] ?? 0 })) }]
            : series.map((s) => ({ type, name: s.name, data: s.data, smooth: type === 'line', barMaxWidth: 28, showSymbol: categories.length < 2 })),
      },
      { notMerge: true },
    );
  }, [type, categories, series, resolved, branding]);
  return (
    <figure className="m-0">
      <div ref={ref} role="img" aria-label={label} style={{ height, width: '100%' }} />
      <figcaption className="sr-only">
        <table>
          <caption>{label}</caption>
          <tbody>
            {categories.map((c, i) => (
              <tr key={c}>
                <th scope="row">{c}</th>
                {series.map((s) => (
                  <td key={s.name}>{s.data[i]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </figcaption>
    </figure>
  );
}
