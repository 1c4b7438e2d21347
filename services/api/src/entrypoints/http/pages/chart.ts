/**
 * Duration and rows per run of one schedule as server-rendered SVG geometry (no chart library, no
 * CDN, nothing inline for the CSP to refuse: the view draws plain <rect>s styled by app.css).
 */
import type { Execution } from '../../../domain/model.js';

export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
  label: string;
  status: Execution['status'];
  executionId: number;
}

export interface BarChart {
  title: string;
  width: number;
  height: number;
  /** Largest value, shown on the axis. */
  max: string;
  bars: Bar[];
}

export const CHART = { width: 600, height: 120, gap: 2 } as const;

function chart(title: string, runs: readonly Execution[], value: (e: Execution) => number, format: (v: number) => string): BarChart {
  const max = Math.max(0, ...runs.map(value));
  const slot = runs.length > 0 ? CHART.width / runs.length : CHART.width;
  const bars = runs.map((e, i) => {
    const v = value(e);
    // A zero still gets a 1-unit sliver so a run that wrote nothing stays visible.
    const height = max > 0 ? Math.max(1, Math.round((v / max) * CHART.height)) : 1;
    return {
      x: Math.round(i * slot * 10) / 10,
      y: CHART.height - height,
      width: Math.max(1, Math.round((slot - CHART.gap) * 10) / 10),
      height,
      label: `#${e.id} ${e.status}: ${format(v)}`,
      status: e.status,
      executionId: e.id,
    };
  });
  return { title, width: CHART.width, height: CHART.height, max: format(max), bars };
}

const seconds = (e: Execution): number => (e.startedAt && e.finishedAt ? Math.max(0, (e.finishedAt.getTime() - e.startedAt.getTime()) / 1000) : 0);
const rows = (e: Execution): number => Number(e.rowsWritten ?? 0);

/** Runs newest first in, oldest-to-newest bars out (time reads left to right). */
export function scheduleCharts(runsNewestFirst: readonly Execution[]): BarChart[] {
  const runs = runsNewestFirst.filter((e) => e.finishedAt).reverse();
  return [
    chart('Duration per run', runs, seconds, (v) => `${v.toFixed(1)} s`),
    chart('Rows written per run', runs, rows, (v) => `${Math.round(v)} rows`),
  ];
}
