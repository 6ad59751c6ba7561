import { renderJson } from '../../output/render.ts';
import { validTimeZone } from '../../services/pipeline/config.ts';
import { rebuildDailyStats } from '../../services/stats/rebuild.ts';
import { UsageError } from '../../errors.ts';
import { configZone, statsTimeZone } from '../calendar.ts';
import { parseDayRange } from '../dates.ts';
import { plural } from '../../output/plural.ts';
import { print, withDatabase, type CommandContext } from '../context.ts';

export interface RebuildFlags {
  from?: string;
  to?: string;
  tz?: string;
  config?: string;
  json?: boolean;
}

export async function statsRebuild(ctx: CommandContext, flags: RebuildFlags): Promise<void> {
  const { from, to } = parseDayRange(flags);
  // --tz changes the database's statistics time zone: every day is rebucketed, so not a range.
  const newZone = flags.tz ? validTimeZone(flags.tz, '--tz') : undefined;
  if (newZone && (from || to)) throw new UsageError('--tz rebuckets all days: give it without --from/--to');
  const named = configZone(ctx, flags.config);
  if (newZone && named.zone !== undefined && named.zone !== newZone) throw new UsageError(`${named.where}: time zone "${named.zone}" contradicts --tz ${newZone}`);
  const result = await withDatabase(ctx, (db) =>
    newZone === undefined || newZone === db.settings.statsTimeZone
      ? rebuildDailyStats(db.em, { timeZone: statsTimeZone(db, named), from, to })
      : rebuildDailyStats(db.em, { timeZone: newZone, from, to, setTimeZone: true }),
  );
  if (flags.json) {
    print(ctx, renderJson(result));
    return;
  }
  const range = from || to ? `days ${from ?? '…'} to ${to ?? '…'}` : 'all days';
  const zone = result.previousTimeZone ? `${result.timeZone}, was ${result.previousTimeZone}` : result.timeZone;
  print(ctx, `${ctx.out.ok('✓')} daily_stats rebuilt for ${range} (${zone}): ${plural(result.deleted, 'row')} replaced by ${result.written} in ${result.seconds.toFixed(2)} s\n`);
}
