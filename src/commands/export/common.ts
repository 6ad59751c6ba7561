import { validTimeZone } from '../../services/pipeline/config.ts';
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
