import { renderJson, renderRecord, renderTable } from '../../output/render.ts';
import { DEFAULT_PIPELINE_CONFIG } from '../../services/pipeline/config.ts';
import { explainTicket } from '../../services/pipeline/explain.ts';
import type { RoutingCandidate } from '../../services/pipeline/router.ts';
import { isTerminal, print, show, withDatabase, tableOptions, type CommandContext } from '../context.ts';

interface TopLabel {
  label: string;
  p: number;
}
interface Derived {
  value: string;
  source: string;
  detail: string;
}

const THRESHOLD_ORDER = Object.keys(DEFAULT_PIPELINE_CONFIG.thresholds);

/** In the configuration's order (jsonb gives them back sorted by key length). */
function thresholdEntries(thresholds: Record<string, number>): [string, number][] {
  const rank = (key: string): number => (THRESHOLD_ORDER.includes(key) ? THRESHOLD_ORDER.indexOf(key) : THRESHOLD_ORDER.length);
  return Object.entries(thresholds).sort(([a], [b]) => rank(a) - rank(b));
}

export async function pipelineExplain(ctx: CommandContext, ticketRef: string, flags: { json?: boolean }): Promise<void> {
  const explanation = await withDatabase(ctx, (db) => explainTicket(db.em, ticketRef));
  if (flags.json) {
    print(ctx, renderJson(explanation));
    return;
  }
  const tty = isTerminal(ctx);
  const style = { ...tableOptions(ctx), tty };
  const { ticket, prediction } = explanation;
  let out = renderRecord(
    [
      ['ticket', `#${ticket.number} ${ticket.subject}`],
      ['status', ticket.status],
      ['language', ticket.language],
      ['department', ticket.department],
      ['operator', ticket.operator],
    ],
    style,
  );
  if (!prediction) {
    print(ctx, out + '\nno decision yet: the pipeline has not processed this ticket\n');
    return;
  }
  const scores = prediction.scores as {
    heads?: Record<string, { top?: TopLabel[] }>;
    derived?: { priority?: Derived; issueType?: Derived };
    template?: { name: string; similarity: number } | null;
    routing?: { candidates: RoutingCandidate[]; reason: string } | null;
    departmentSource?: string | null;
  };
  const t = prediction.thresholds;
  out +=
    '\n' +
    renderRecord(
      [
        ['decision', prediction.decision],
        ['reason', prediction.reason],
        ['model', prediction.model ?? '(none)'],
        ['decided at', prediction.decidedAt],
        ['thresholds', thresholdEntries(t).map(([k, v]) => `${k} ${v}`).join(', ')],
        ['priority', scores.derived?.priority ? `${scores.derived.priority.value} (${scores.derived.priority.source}: ${scores.derived.priority.detail})` : prediction.priority],
        ['issue type', scores.derived?.issueType ? `${scores.derived.issueType.value} (${scores.derived.issueType.source}: ${scores.derived.issueType.detail})` : prediction.issueType],
        ['template', scores.template ? `${scores.template.name} (${(scores.template.similarity * 100).toFixed(0)}% of a trigger example)` : 'none matched'],
        ['department from', scores.departmentSource ?? ''],
        ['review', prediction.review],
      ],
      style,
    );
  const heads = Object.entries(scores.heads ?? {});
  if (heads.length > 0) {
    out +=
      '\n' +
      renderTable(
        [
          { header: 'head', value: (h: (typeof heads)[number]) => h[0] },
          ...[0, 1, 2].map((i) => ({
            header: ['1st', '2nd', '3rd'][i]!,
            value: (h: (typeof heads)[number]) => {
              const top = h[1].top?.[i];
              return top ? `${top.label} ${top.p.toFixed(2)}` : '';
            },
          })),
        ],
        heads,
        style,
      );
  }
  if (scores.routing && scores.routing.candidates.length > 0) {
    out +=
      '\n' +
      renderTable(
        [
          { header: 'operator', value: (c: RoutingCandidate) => c.name },
          { header: 'load', value: (c: RoutingCandidate) => `${c.open}/${c.capacity}`, align: 'right' },
          { header: 'eligible', value: (c: RoutingCandidate) => (c.eligible ? 'yes' : 'no') },
          { header: 'note', value: (c: RoutingCandidate) => c.note },
        ],
        scores.routing.candidates,
        style,
      ) +
      `routing: ${scores.routing.reason}\n`;
  }
  show(ctx, out);
}
