import { InputError } from '../../errors.ts';
import { validTimeZone } from '../../services/pipeline/config.ts';
import { parseDay } from '../../services/stats/report.ts';
import { resolvePipelineConfig } from '../../services/pipeline/settings.ts';
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

export function exportTimeZone(ctx: CommandContext, flags: { tz?: string | undefined; config?: string | undefined }): string {
  return flags.tz ? validTimeZone(flags.tz, '--tz') : resolvePipelineConfig({ config: flags.config }, ctx.io.env).timeZone;
}

/** --from / --to as days (YYYY-MM-DD), each optional, in order when both are given. */
export function exportDayRange(flags: { from?: string | undefined; to?: string | undefined }): { from: string | undefined; to: string | undefined } {
  const from = flags.from !== undefined ? parseDay(flags.from, '--from') : undefined;
  const to = flags.to !== undefined ? parseDay(flags.to, '--to') : undefined;
  if (from && to && from > to) throw new InputError(`--from ${from} is after --to ${to}`);
  return { from, to };
}
