import { Category, DECISIONS, Department, LANGUAGES, type Decision, type Language } from '../../entities/index.ts';
import { UsageError } from '../../errors.ts';
import { renderRecord } from '../../output/render.ts';
import { askCategory, askDepartment, askReviewAction } from '../../prompts/review.ts';
import { explainTicket, type Explanation } from '../../services/pipeline/explain.ts';
import { configZone, statsTimeZone } from '../calendar.ts';
import { claimsDepartment, confirmTickets, ORDERS, unreviewedDecisions, type ReviewOrder } from '../../services/tickets/review.ts';
import { showTicket, updateTicket, type TicketDetail } from '../../services/tickets/tickets.ts';
import { isTerminal, print, withDatabase, type CommandContext } from '../context.ts';
import { describeConfirmation } from './confirm.ts';
import { oneOfIfGiven } from '../../services/one-of.ts';
import { namedIn } from '../../services/tickets/ticket-store.ts';

export interface ReviewFlags {
  order?: string;
  language?: string;
  department?: string;
  decision?: string;
  limit?: string;
}

export const NO_TERMINAL =
  'tickets review asks questions and needs a terminal; in scripts mark predictions right with `helpdesk tickets confirm TICKET...` (or --from-file FILE) and correct them with `helpdesk tickets update TICKET --category NAME --department NAME`';

const BODY_MAX = 600;

/** The ticket, the prediction and why, as `pipeline explain` computed it. */
function card(ctx: CommandContext, ticket: TicketDetail, explanation: Explanation, position: string): string {
  const p = explanation.prediction!;
  const scores = p.scores as { heads?: Record<string, { top?: { label: string; p: number }[] }>; template?: { name: string; similarity: number } | null };
  const top = scores.heads?.category?.top?.map((t) => `${t.label} ${t.p.toFixed(2)}`).join(', ');
  // One paragraph: lines joined with " / " so that the record stays aligned.
  const flat = ticket.body.trim().replace(/\s*\n\s*/g, ' / ');
  const body = flat.length > BODY_MAX ? `${flat.slice(0, BODY_MAX)}…` : flat;
  const style = { tty: isTerminal(ctx), style: ctx.out };
  return (
    `\n${ctx.out.bold(`${position} ticket #${ticket.number}`)} ${ticket.subject}\n` +
    renderRecord(
      [
        ['from', ticket.user ? (ticket.user.name ? `${ticket.user.name} <${ticket.user.email}>` : ticket.user.email) : null],
        ['language', ticket.language],
        ['status', ticket.status],
        ['created', ticket.createdAt],
        ['text', body],
        ['decision', `${p.decision} (${p.model ?? 'no model'}, ${p.decidedAt})`],
        ['category', `${p.category ?? '(none)'} ${(p.confidence * 100).toFixed(0)}%` + (top ? `   top: ${top}` : '')],
        ['department', claimsDepartment(p.decision as Decision) ? p.department : `${p.department ?? '(none)'} (not predicted: ${p.decision === 'escalated' ? 'triage' : 'auto-resolved'})`],
        ['now', `${ticket.category ?? '(no category)'} / ${ticket.department ?? '(no department)'} / ${ticket.operator ?? 'no operator'}`],
        ['template', scores.template ? `${scores.template.name} (${(scores.template.similarity * 100).toFixed(0)}%)` : 'none matched'],
        ['why', p.reason],
      ],
      style,
    )
  );
}

export async function ticketsReview(ctx: CommandContext, flags: ReviewFlags): Promise<void> {
  const order = (oneOfIfGiven(ORDERS, flags.order, '--order') ?? 'newest') as ReviewOrder;
  const language = oneOfIfGiven(LANGUAGES, flags.language, '--language') as Language | undefined;
  const decision = oneOfIfGiven(DECISIONS, flags.decision, '--decision') as Decision | undefined;
  const limit = flags.limit === undefined ? 20 : Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError(`--limit must be a whole number from 1 to 10000 (got "${flags.limit}")`);
  if (!ctx.prompter.interactive) throw new UsageError(NO_TERMINAL);
  const named = configZone(ctx, undefined);

  await withDatabase(ctx, async (db) => {
    // Daily statistics follow each review, on days of the database's statistics time zone.
    const timeZone = statsTimeZone(db, named);
    const departments = await db.em.find(Department, { active: true }, { orderBy: { name: 'asc' } });
    let departmentId: string | undefined;
    if (flags.department !== undefined) {
      departmentId = namedIn(await db.em.find(Department, {}), flags.department, 'department').id;
    }
    const queue = await unreviewedDecisions(db.em.fork(), { order, language, departmentId, decision, limit });
    if (queue.total === 0) {
      print(ctx, 'nothing to review: every decision matching these filters has been confirmed or corrected\n');
      return;
    }
    print(ctx, `${queue.total} unreviewed decision${queue.total === 1 ? '' : 's'}, ${order === 'newest' ? 'newest' : 'least confident'} first` + (queue.total > queue.decisions.length ? ` (the first ${queue.decisions.length})` : '') + '\n');
    const categories = (await db.em.find(Category, { active: true }, { populate: ['defaultDepartment'], orderBy: { name: 'asc' } })).map((c) => ({ name: c.name, department: c.defaultDepartment.name }));
    const counts = { confirmed: 0, corrected: 0, skipped: 0 };
    let index = 0;
    for (const item of queue.decisions) {
      index++;
      const em = db.em.fork();
      const explanation = await explainTicket(em, item.ticketId);
      const p = explanation.prediction;
      if (!p || p.id !== item.predictionId || p.review !== 'pending') {
        print(ctx, `#${item.number}: reviewed meanwhile, skipped\n`);
        continue;
      }
      const ticket = await showTicket(em.getKysely(), item.ticketId, 'utc');
      print(ctx, card(ctx, ticket, explanation, `[${index}/${queue.decisions.length}]`));
      const action = await askReviewAction(ctx.prompter, item.number);
      if (action === 'quit') break;
      if (action === 'skip') {
        counts.skipped++;
        continue;
      }
      const confirm = async () => {
        const [outcome] = await confirmTickets(db.em.fork(), [{ text: item.ticketId, where: '' }], timeZone);
        print(ctx, describeConfirmation(outcome!, ctx.out.ok) + '\n');
      };
      if (action === 'accept') {
        await confirm();
        counts.confirmed++;
        continue;
      }
      const category = await askCategory(ctx.prompter, categories, p.category);
      const categoryDefault = categories.find((c) => c.name === category)?.department ?? departments[0]!.name;
      const suggested = category === p.category && claimsDepartment(p.decision as Decision) && p.department ? p.department : categoryDefault;
      const department = await askDepartment(
        ctx.prompter,
        departments.map((d) => d.name),
        suggested,
        suggested === p.department && claimsDepartment(p.decision as Decision) ? 'predicted' : `default of ${category}`,
      );
      const sameCategory = category === p.category;
      const departmentClaimed = claimsDepartment(p.decision as Decision);
      if (sameCategory && (!departmentClaimed || department === p.department)) {
        // The category is what the model said: that is a confirmation; a department the model
        // did not claim (triage, auto-resolution) is then set like any other move.
        await confirm();
        counts.confirmed++;
        if (!departmentClaimed && department !== categoryDefault) await move(ctx, db.em.fork(), item.ticketId, { department }, timeZone);
        continue;
      }
      await move(ctx, db.em.fork(), item.ticketId, { category, department }, timeZone);
      counts.corrected++;
    }
    const reviewed = counts.confirmed + counts.corrected;
    print(ctx, `\nreviewed ${reviewed}: ${counts.confirmed} confirmed, ${counts.corrected} corrected; ${counts.skipped} skipped\n`);
  });
}

async function move(ctx: CommandContext, em: Parameters<typeof updateTicket>[0], ticketId: string, changes: { category?: string; department: string }, timeZone: string): Promise<void> {
  const result = await updateTicket(em, ticketId, changes, timeZone);
  const t = result.ticket;
  const parts = result.changed.map((field) => `${field} ${String(t[field as 'status'] ?? 'none')}`);
  let line = parts.length > 0 ? `${ctx.out.ok('✓')} ticket #${t.number}: ${parts.join(', ')}` : `ticket #${t.number}: nothing changed`;
  if (result.corrected?.review === 'corrected') line += '; AI prediction marked corrected';
  if (result.routing) line += `; ${result.routing.reason}`;
  print(ctx, line + '\n');
}
