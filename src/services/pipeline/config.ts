import { readFileSync } from 'node:fs';
import { InputError } from '../../errors.ts';
import { PRIORITIES, type Priority } from '../../entities/enums.ts';
import { parseTimeZone } from '../time-zone.ts';
import { decodeTextFile } from '../text/encoding.ts';

/**
 * How the pipeline decides. Defaults below; a JSON file (`--config FILE` or $HELPDESK_CONFIG)
 * overrides any part of it, and flags override the file.
 */
export interface PipelineConfig {
  thresholds: {
    /** Category confidence at or above which an auto_resolvable ticket with a matching template is answered. */
    autoResolve: number;
    /** Category confidence below which a ticket is escalated to the triage department. */
    escalate: number;
    /** Department-head confidence at or above which its department is used instead of the category's default. */
    department: number;
    /** Similarity (0..1) between the ticket and a template's trigger examples for the template to match. */
    templateMatch: number;
    /** Holdout macro-F1 a department, priority or issue-type head needs before its answers are used. */
    headQuality: number;
  };
  /** Where low-confidence tickets go (1st line). */
  triageDepartment: string;
  /** SLA: hours from creation to resolution, per priority. */
  slaHours: Record<Priority, number>;
  /**
   * A statistics time zone named by the configuration file, if any. The zone itself is stored
   * in the database (`db init --tz`, `stats rebuild --tz`); a file naming another one is refused.
   */
  timeZone?: string;
}

export const DEFAULT_PIPELINE_CONFIG: PipelineConfig = {
  thresholds: { autoResolve: 0.6, escalate: 0.35, department: 0.6, templateMatch: 0.5, headQuality: 0.6 },
  triageDepartment: 'Service Desk',
  slaHours: { critical: 4, high: 8, medium: 24, low: 72 },
};

/** Ten years: longer than any real SLA, and far inside what a timestamp can hold. */
export const MAX_SLA_HOURS = 87_600;

function probability(value: unknown, where: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new InputError(`${where}: expected a number from 0 to 1, got ${JSON.stringify(value)}`);
  return value;
}

/** A time zone name or UTC offset, checked and canonical (src/services/time-zone.ts). */
export function validTimeZone(zone: string, where: string): string {
  return parseTimeZone(zone, where);
}

/** Merges a partial configuration (from a file or flags) over the defaults, validating every value. */
export function mergeConfig(base: PipelineConfig, patch: unknown, where: string): PipelineConfig {
  if (patch === undefined || patch === null) return base;
  if (typeof patch !== 'object' || Array.isArray(patch)) throw new InputError(`${where}: expected a JSON object`);
  const p = patch as Partial<Record<keyof PipelineConfig, unknown>>;
  const known = new Set([...Object.keys(DEFAULT_PIPELINE_CONFIG), 'timeZone']);
  for (const key of Object.keys(p)) if (!known.has(key)) throw new InputError(`${where}: unknown setting "${key}"`);
  const thresholds = { ...base.thresholds };
  if (p.thresholds !== undefined) {
    for (const [key, value] of Object.entries(p.thresholds as Record<string, unknown>)) {
      if (!(key in thresholds)) throw new InputError(`${where}: unknown threshold "${key}"`);
      thresholds[key as keyof typeof thresholds] = probability(value, `${where}: thresholds.${key}`);
    }
  }
  if (thresholds.escalate > thresholds.autoResolve) {
    throw new InputError(`${where}: thresholds.escalate (${thresholds.escalate}) must not exceed thresholds.autoResolve (${thresholds.autoResolve})`);
  }
  const slaHours = { ...base.slaHours };
  if (p.slaHours !== undefined) {
    for (const [key, value] of Object.entries(p.slaHours as Record<string, unknown>)) {
      if (!(PRIORITIES as readonly string[]).includes(key)) throw new InputError(`${where}: unknown priority "${key}" in slaHours`);
      // Bounded: 1e308 hours passed "positive" and then broke every timestamp computed from it.
      if (typeof value !== 'number' || !(value > 0) || value > MAX_SLA_HOURS) {
        throw new InputError(`${where}: slaHours.${key} must be a positive number of hours, at most ${MAX_SLA_HOURS} (ten years) (got ${JSON.stringify(value)})`);
      }
      slaHours[key as Priority] = value;
    }
  }
  const triageDepartment = p.triageDepartment === undefined ? base.triageDepartment : String(p.triageDepartment);
  if (!triageDepartment.trim()) throw new InputError(`${where}: triageDepartment is empty`);
  const timeZone = p.timeZone === undefined ? base.timeZone : validTimeZone(String(p.timeZone), `${where}: timeZone`);
  return { thresholds, triageDepartment, slaHours, ...(timeZone !== undefined ? { timeZone } : {}) };
}

export function loadConfigFile(path: string): unknown {
  let text: string;
  try {
    // Strict UTF-8, a byte order mark (Windows editors write one) dropped: the shared rule.
    text = decodeTextFile(path, readFileSync(path));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${path}: not valid JSON (${(error as Error).message})`);
  }
}
