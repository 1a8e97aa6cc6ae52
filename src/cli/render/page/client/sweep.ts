/**
 * The sweep page's script (runs in the browser; built into the page by
 * scripts/gen-report-assets.mjs): one uPlot line chart per metric of the page's data
 * (sweepFormat.ts), against the x param, a line per ruleset (and per value of the other params).
 */
import type { SweepPlotData } from '../sweepFormat.js';

type UPlotClass = typeof import('uplot');
declare const uPlot: UPlotClass;

(() => {
  const el = document.getElementById('epochsim-sweep-data');
  const host = document.getElementById('sweep-charts');
  if (el === null || host === null) return;
  const data = JSON.parse(el.textContent ?? '{}') as SweepPlotData;
  const COLOURS = ['#1a5fb4', '#c01c28', '#26a269', '#e66100', '#613583', '#865e3c', '#1c71d8', '#a51d2d', '#2ec27e', '#5e5c64'];
  const width = Math.max(320, Math.min(900, host.clientWidth || 900));
  const xs = data.x.numeric ? [...data.x.values] : data.x.labels.map((_, i) => i);
  // ticks at the grid's values while they are few; large values (ngonka amounts) in short form: 1T, 2.5B
  const grid = xs.length <= 12 ? { splits: () => xs } : {};
  const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 3 });
  for (const chart of data.charts) {
    const box = document.createElement('figure');
    box.className = 'sweep-chart';
    const caption = document.createElement('figcaption');
    caption.textContent = `${chart.metric}${chart.unit === '' ? '' : ` (${chart.unit})`} against ${data.x.path}`;
    box.append(caption);
    host.append(box);
    const opts: import('uplot').Options = {
      width,
      height: 260,
      scales: { x: { time: false } },
      axes: [
        data.x.numeric
          ? { label: data.x.path, ...grid, values: (_u, ticks) => ticks.map((t) => compact.format(t)) }
          : { label: data.x.path, splits: () => xs, values: (_u, ticks) => ticks.map((t) => data.x.labels[t] ?? '') },
        { label: chart.unit, size: 80 },
      ],
      series: [
        { label: data.x.path, value: (_u, _v, _s, i) => (i === null ? '' : (data.x.labels[i] ?? '')) },
        ...chart.series.map((s, k) => ({ label: s.label, stroke: COLOURS[k % COLOURS.length], width: 2, points: { show: true }, spanGaps: false })),
      ],
    };
    new uPlot(opts, [xs, ...chart.series.map((s) => s.values.map((v) => v))], box);
  }
})();
