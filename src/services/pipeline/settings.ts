import { DEFAULT_PIPELINE_CONFIG, loadConfigFile, mergeConfig, type PipelineConfig } from './config.ts';
import { UsageError } from '../../errors.ts';

export interface ConfigFlags {
  config?: string;
  autoResolveThreshold?: string;
  escalateThreshold?: string;
  departmentThreshold?: string;
  triageDepartment?: string;
}

function threshold(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new UsageError(`${flag} must be a number from 0 to 1 (got "${value}")`);
  return n;
}

/** Defaults, then the file (--config or $HELPDESK_CONFIG), then flags. */
export function resolvePipelineConfig(flags: ConfigFlags, env: Record<string, string | undefined>): PipelineConfig {
  const file = flags.config ?? env.HELPDESK_CONFIG;
  let config = file ? mergeConfig(DEFAULT_PIPELINE_CONFIG, loadConfigFile(file), file) : DEFAULT_PIPELINE_CONFIG;
  const thresholds: Record<string, number> = {};
  const auto = threshold(flags.autoResolveThreshold, '--auto-resolve-threshold');
  const escalate = threshold(flags.escalateThreshold, '--escalate-threshold');
  const department = threshold(flags.departmentThreshold, '--department-threshold');
  if (auto !== undefined) thresholds.autoResolve = auto;
  if (escalate !== undefined) thresholds.escalate = escalate;
  if (department !== undefined) thresholds.department = department;
  const patch: Record<string, unknown> = {};
  if (Object.keys(thresholds).length > 0) patch.thresholds = thresholds;
  if (flags.triageDepartment !== undefined) patch.triageDepartment = flags.triageDepartment;
  if (Object.keys(patch).length > 0) config = mergeConfig(config, patch, 'flags');
  return config;
}
