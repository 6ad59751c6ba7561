import type { Database } from '../db/database.ts';
import { InputError } from '../errors.ts';
import { validTimeZone } from '../services/pipeline/config.ts';
import { resolvePipelineConfig } from '../services/pipeline/settings.ts';
import type { CommandContext } from './context.ts';

/** A zone another source names: checked against the database's once it is open. */
export interface NamedZone {
  zone: string | undefined;
  where: string;
}

/**
 * The statistics time zone is stored in the database (set by `db init --tz`, changed only by
 * `stats rebuild --tz`, which rebuckets everything): every command uses the one read when it
 * opened the database. A zone named elsewhere (`--config` "timeZone", a report's `--tz`) that
 * is not that one is refused: daily_stats of one database are never bucketed by two zones.
 */
export function statsTimeZone(db: Database, ...named: (NamedZone | undefined)[]): string {
  const zone = db.settings.statsTimeZone;
  for (const n of named) {
    if (n?.zone !== undefined && n.zone !== zone) {
      throw new InputError(`${n.where}: time zone "${n.zone}" is not this database's statistics time zone "${zone}" (change it for all statistics with \`helpdesk stats rebuild --tz ${n.zone}\`)`);
    }
  }
  return zone;
}

/** A --tz flag given to a report: validated; it must be the database's zone (checked once open). */
export function tzFlag(value: string | undefined): NamedZone {
  return { zone: value ? validTimeZone(value, '--tz') : undefined, where: '--tz' };
}

/** The zone a configuration file (--config or $HELPDESK_CONFIG) names, if it names one. */
export function configZone(ctx: CommandContext, file: string | undefined): NamedZone {
  const path = file ?? ctx.io.env.HELPDESK_CONFIG;
  if (!path) return { zone: undefined, where: '' };
  return { zone: resolvePipelineConfig({ config: path }, ctx.io.env).timeZone, where: `${path}: timeZone` };
}
