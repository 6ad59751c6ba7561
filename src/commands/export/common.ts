import type { Database } from '../../db/database.ts';
import { configZone, statsTimeZone, tzFlag, type NamedZone } from '../calendar.ts';
import { parseDayRange } from '../dates.ts';
import type { CommandContext } from '../context.ts';

export interface CommonExportFlags {
  out?: string;
  format?: string;
  from?: string;
  to?: string;
  language?: string;
  tz?: string;
  config?: string;
  /** commander's --no-redact sets this to false. */
  redact?: boolean;
}

/** Zones the flags name (--tz, the --config file): checked against the database's once it is open. */
export function exportZones(ctx: CommandContext, flags: { tz?: string | undefined; config?: string | undefined }): NamedZone[] {
  return [tzFlag(flags.tz), configZone(ctx, flags.config)];
}

/** The database's statistics time zone: the days of --from/--to are its days. */
export function exportTimeZone(db: Database, zones: NamedZone[]): string {
  return statsTimeZone(db, ...zones);
}

/** --from / --to as days, each optional, in order when both are given. */
export const exportDayRange = parseDayRange;
