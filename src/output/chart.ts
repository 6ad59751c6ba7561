import type { Style } from './style.ts';

/**
 * A small horizontal bar chart, one line per label: `2026-11-03 ██████▍ 128`. Eighth-block
 * characters give the bars sub-character resolution; the longest bar is `width` cells.
 */
export function renderBarChart(title: string, points: { label: string; value: number }[], options: { width?: number; style: Style }): string {
  const width = options.width ?? 40;
  const max = Math.max(0, ...points.map((p) => p.value));
  const labelWidth = Math.max(0, ...points.map((p) => p.label.length));
  const blocks = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
  const lines = [options.style.bold(title)];
  for (const p of points) {
    const eighths = max > 0 ? Math.round((p.value / max) * width * 8) : 0;
    const bar = '█'.repeat(Math.floor(eighths / 8)) + blocks[eighths % 8];
    lines.push(`${p.label.padEnd(labelWidth)} ${bar}${bar ? ' ' : ''}${p.value}`);
  }
  return lines.join('\n') + '\n';
}
