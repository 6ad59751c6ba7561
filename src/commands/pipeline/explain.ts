import { renderJson, renderRecord, renderTable } from '../../output/render.ts';
import { DEFAULT_PIPELINE_CONFIG } from '../../services/pipeline/config.ts';
import { explainTicket } from '../../services/pipeline/explain.ts';
import { MIN_MATCHED_STEMS, MIN_TICKET_SHARE, templateMatches } from '../../services/pipeline/resolver.ts';
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

const RULES: Record<string, string> = {
  security: 'security incident words',
  complaint: 'complaint words',
  urgent: 'urgency words',
  person: 'a person set',
};

/** Which rule kept the ticket from an automatic answer, in words ("no" when none did). */
function describeHoldBack(holds: { rule: string; matched: string[] }[] | undefined): string {
  if (!holds || holds.length === 0) return 'no';
  return holds.map((h) => `${RULES[h.rule] ?? h.rule}: ${h.matched.join(', ')}`).join('; ');
}

/** The best template and whether it was strong enough (decisions stored before issue 11 have no stem count). */
function describeTemplate(template: { name: string; similarity: number; matched?: number; focus?: number } | null | undefined, threshold: number | undefined): string {
  if (!template) return 'none matched';
  const share = `${(template.similarity * 100).toFixed(0)}% of a trigger example`;
  if (template.matched === undefined || template.focus === undefined) return `${template.name} (${share})`;
  const strong = threshold === undefined || templateMatches({ similarity: template.similarity, matched: template.matched, focus: template.focus }, threshold);
  const stems = `${template.matched} distinctive ${template.matched === 1 ? 'stem' : 'stems'}, ${(template.focus * 100).toFixed(0)}% of the ticket`;
  const needs = `needs ${MIN_MATCHED_STEMS} stems, ${((threshold ?? 0) * 100).toFixed(0)}% of an example, ${(MIN_TICKET_SHARE * 100).toFixed(0)}% of the ticket`;
  return `${template.name} (${share}, ${stems})` + (strong ? '' : `: too weak to answer (${needs})`);
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
    template?: { name: string; similarity: number; matched?: number; focus?: number } | null;
    holdBack?: { rule: string; matched: string[] }[];
    human?: string[];
    languageKnowledge?: { samples: number; thin: boolean } | null;
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
        ['template', describeTemplate(scores.template, t['templateMatch'])],
        ['department from', scores.departmentSource ?? ''],
        ['review', prediction.review],
        ['held back', describeHoldBack(scores.holdBack)],
        ['kept from a person', scores.human && scores.human.length > 0 ? scores.human.join(', ') : 'nothing'],
        ['language in training', describeLanguageKnowledge(ticket.language, scores.languageKnowledge)],
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

/** "kk: 36 samples: the model barely knows this language" (or nothing known for old models). */
function describeLanguageKnowledge(language: string | null, knowledge: { samples: number; thin: boolean } | null | undefined): string {
  if (!knowledge || language === null) return 'not recorded';
  const samples = `${language}: ${knowledge.samples.toLocaleString('en-US')} training sample${knowledge.samples === 1 ? '' : 's'}`;
  return knowledge.thin ? `${samples}: the model barely knows this language` : samples;
}
