import { ISSUE_TYPES, LANGUAGES, PRIORITIES, TICKET_SOURCES, TICKET_STATUSES } from '../../entities/enums.ts';
import { UsageError } from '../../errors.ts';

/** Fields whose values are ours to name: a foreign value is mapped with `--value FIELD:FOREIGN=OURS`. */
export const VALUE_FIELDS = ['source', 'language', 'priority', 'issue_type', 'status'] as const;
export type ValueField = (typeof VALUE_FIELDS)[number];

export const ALLOWED_VALUES: Record<ValueField, readonly string[]> = {
  source: TICKET_SOURCES,
  language: LANGUAGES,
  priority: PRIORITIES,
  issue_type: ISSUE_TYPES,
  status: TICKET_STATUSES,
};

/** Per field: foreign value (trimmed, lower case) -> ours. */
export type ValueMaps = Map<ValueField, Map<string, string>>;

export const foreignKey = (value: string): string => value.trim().toLowerCase();

export function valueField(name: string): ValueField | undefined {
  const key = name.trim().toLowerCase().replace(/[\s-]+/g, '_');
  if ((VALUE_FIELDS as readonly string[]).includes(key)) return key as ValueField;
  if (key === 'issuetype' || key === 'type') return 'issue_type';
  if (key === 'channel' || key === 'via') return 'source';
  return undefined;
}

/** Adds one mapping, checking that ours is one of the field's values; `where` names the origin in errors. */
export function addValueMapping(maps: ValueMaps, field: ValueField, foreign: string, ours: string, where: string): void {
  const value = ours.trim().toLowerCase();
  if (!ALLOWED_VALUES[field].includes(value)) throw new UsageError(`${where}: "${ours}" is not a ${field.replace('_', ' ')}; use one of ${ALLOWED_VALUES[field].join(', ')}`);
  if (!foreign.trim()) throw new UsageError(`${where}: the foreign value is empty`);
  let map = maps.get(field);
  if (!map) maps.set(field, (map = new Map()));
  map.set(foreignKey(foreign), value);
}

/**
 * `--value "source:Social media=portal"` (repeatable): the field before the first colon, our
 * value after the last equals sign, the foreign value (any text) in between. Later ones win, so
 * flags given after a preset's values override them.
 */
export function parseValueMaps(specs: readonly string[] | undefined, maps: ValueMaps = new Map()): ValueMaps {
  for (const spec of specs ?? []) {
    const colon = spec.indexOf(':');
    const eq = spec.lastIndexOf('=');
    if (colon <= 0 || eq <= colon + 1 || eq === spec.length - 1) {
      throw new UsageError(`--value expects FIELD:FOREIGN=OURS, e.g. --value "source:Social media=portal" (got "${spec}")`);
    }
    const field = valueField(spec.slice(0, colon));
    if (!field) throw new UsageError(`--value ${spec}: "${spec.slice(0, colon)}" is not a field with values to map; fields: ${VALUE_FIELDS.join(', ')}`);
    addValueMapping(maps, field, spec.slice(colon + 1, eq), spec.slice(eq + 1), `--value ${spec}`);
  }
  return maps;
}

/** The hint a row error gives for a foreign value with no mapping. */
export function valueFlagHint(field: ValueField, value: string): string {
  return `--value "${field}:${value}=${ALLOWED_VALUES[field].join('|')}"`;
}

/** Each unmapped value once, with how many rows had it (first spelling seen). */
export class UnmappedValues {
  private readonly seen = new Map<string, { field: ValueField; column: string; value: string; rows: number }>();
  /** Distinct values kept per field: a free-text column mapped by mistake must not fill memory. */
  static readonly LIMIT = 1000;
  private readonly perField = new Map<ValueField, number>();
  overflow = 0;

  add(field: ValueField, column: string, value: string): void {
    const k = `${field}\u0000${foreignKey(value)}`;
    const entry = this.seen.get(k);
    if (entry) {
      entry.rows++;
      return;
    }
    const n = this.perField.get(field) ?? 0;
    if (n >= UnmappedValues.LIMIT) {
      this.overflow++;
      return;
    }
    this.perField.set(field, n + 1);
    this.seen.set(k, { field, column, value: value.trim(), rows: 1 });
  }

  list(): { field: ValueField; column: string; value: string; rows: number; flag: string }[] {
    return [...this.seen.values()]
      .sort((a, b) => VALUE_FIELDS.indexOf(a.field) - VALUE_FIELDS.indexOf(b.field) || b.rows - a.rows || a.value.localeCompare(b.value))
      .map((e) => ({ ...e, flag: valueFlagHint(e.field, e.value) }));
  }
}
