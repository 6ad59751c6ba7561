import { plural } from '../../output/plural.ts';
import type { EvalMetrics } from '../../ml/metrics.ts';
import { renderRecord, renderTable, type Column } from '../../output/render.ts';
import { isTerminal, tableOptions, type CommandContext } from '../context.ts';

/** Metrics with three decimals (or "-" when unknown). */
export function fixed(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits);
}

export function kilobytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : `${(bytes / 1024).toFixed(1)} kB`;
}

export function record(ctx: CommandContext, pairs: [string, string | number | boolean | null][]): string {
  return renderRecord(pairs, { tty: isTerminal(ctx), style: ctx.out });
}

export function table<Row>(ctx: CommandContext, columns: Column<Row>[], rows: Row[]): string {
  return renderTable(columns, rows, tableOptions(ctx));
}

/**
 * One head's metrics for people: a summary line, per-class precision/recall/F1/support, and
 * the confusion matrix (rows: true label, columns: predicted label, numbered as in the rows).
 */
export function describeMetrics(ctx: CommandContext, head: string, m: EvalMetrics & { unknownLabels?: string[] }): string {
  const title = `${ctx.out.bold(head)}: accuracy ${fixed(m.accuracy)}, macro-F1 ${fixed(m.macroF1)}, weighted F1 ${fixed(m.weightedF1)}, ECE ${fixed(m.ece)} (${plural(m.n, 'sample')})`;
  const perClass = table(
    ctx,
    [
      { header: 'label', value: (c: EvalMetrics['perClass'][number]) => c.label },
      { header: 'precision', value: (c) => fixed(c.precision), align: 'right' },
      { header: 'recall', value: (c) => fixed(c.recall), align: 'right' },
      { header: 'f1', value: (c) => fixed(c.f1), align: 'right' },
      { header: 'support', value: (c) => c.support, align: 'right' },
    ],
    m.perClass,
  );
  const columns: Column<number>[] = [{ header: 'true \\ predicted', value: (i) => `${i + 1} ${m.labels[i]}` }];
  m.labels.forEach((_, j) => columns.push({ header: String(j + 1), value: (i) => m.confusion[i]![j]!, align: 'right' }));
  const confusion = table(ctx, columns, m.labels.map((_, i) => i));
  const unknown = m.unknownLabels?.length ? `labels the model does not know (counted as errors): ${m.unknownLabels.join(', ')}\n` : '';
  return `${title}\n${perClass}${unknown}confusion matrix:\n${confusion}`;
}
