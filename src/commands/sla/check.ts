import { renderJson } from '../../output/render.ts';
import { resolvePipelineConfig } from '../../services/pipeline/settings.ts';
import { checkSla } from '../../services/sla/check.ts';
import { statsTimeZone } from '../calendar.ts';
import { print, withDatabase, type CommandContext } from '../context.ts';

export interface SlaCheckFlags {
  config?: string;
  json?: boolean;
}

/** `sla check`: records the open tickets past their SLA deadline as breached, once each (for cron, or without followers). */
export async function slaCheck(ctx: CommandContext, flags: SlaCheckFlags): Promise<void> {
  const { timeZone } = resolvePipelineConfig({ config: flags.config }, ctx.io.env);
  const result = await withDatabase(ctx, (db) => checkSla(db.em, { timeZone: statsTimeZone(db, { zone: timeZone, where: `${flags.config ?? ctx.io.env.HELPDESK_CONFIG}: timeZone` }) }));
  if (flags.json) {
    print(ctx, renderJson(result));
    return;
  }
  const by = Object.entries(result.byPriority)
    .filter(([, n]) => n > 0)
    .map(([p, n]) => `${n} ${p}`)
    .join(', ');
  const next = result.nextDueAt ? `; next deadline ${result.nextDueAt.slice(0, 16).replace('T', ' ')} UTC` : '; no open ticket has a deadline';
  print(
    ctx,
    result.breached > 0
      ? `${ctx.out.warn('!')} ${result.breached} open ticket(s) passed their SLA deadline, recorded as breached (${by}): ${result.tickets.slice(0, 20).map((n) => `#${n}`).join(', ')}${result.tickets.length > 20 ? ', ...' : ''}${next}\n`
      : `${ctx.out.ok('✓')} no new SLA breaches${next}\n`,
  );
}
