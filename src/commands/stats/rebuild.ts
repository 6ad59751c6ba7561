import { renderJson } from '../../output/render.ts';
import { validTimeZone } from '../../services/pipeline/config.ts';
import { resolvePipelineConfig } from '../../services/pipeline/settings.ts';
import { parseDay } from '../../services/stats/report.ts';
import { rebuildDailyStats } from '../../services/stats/rebuild.ts';
import { InputError } from '../../errors.ts';
import { print, withDatabase, type CommandContext } from '../context.ts';

export interface RebuildFlags {
  from?: string;
  to?: string;
  tz?: string;
  config?: string;
  json?: boolean;
}

export async function statsRebuild(ctx: CommandContext, flags: RebuildFlags): Promise<void> {
  const from = flags.from !== undefined ? parseDay(flags.from, '--from') : undefined;
  const to = flags.to !== undefined ? parseDay(flags.to, '--to') : undefined;
  if (from && to && from > to) throw new InputError(`--from ${from} is after --to ${to}`);
  const timeZone = flags.tz ? validTimeZone(flags.tz, '--tz') : resolvePipelineConfig({ config: flags.config }, ctx.io.env).timeZone;
  const result = await withDatabase(ctx, (db) => rebuildDailyStats(db.em, { timeZone, from, to }));
  if (flags.json) {
    print(ctx, renderJson(result));
    return;
  }
  const range = from || to ? `days ${from ?? '…'} to ${to ?? '…'}` : 'all days';
  print(ctx, `${ctx.out.ok('✓')} daily_stats rebuilt for ${range} (${timeZone}): ${result.deleted} rows replaced by ${result.written} in ${result.seconds.toFixed(2)} s\n`);
}
