import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../paths.ts';
import { InputError, UsageError } from '../../errors.ts';
import { DATE_ORDERS, type DateOrder } from './dates.ts';
import { IMPORT_FIELDS, type ImportField } from './fields.ts';
import { addValueMapping, valueField, type ValueField, type ValueMaps } from './values.ts';

/**
 * A preset is data only: which columns of a helpdesk's standard export hold which ticket field
 * (a list: the first column the file has wins), how its values map to ours, and the order of day
 * and month in its dates. `--map` and `--value` override it; `import presets show NAME` prints it
 * as JSON that `--preset-file` reads back.
 */
export interface Preset {
  name: string;
  title: string;
  description: string;
  /** Where the columns and values were taken from. */
  documentation: string[];
  columns: Partial<Record<ImportField, string[]>>;
  values: Partial<Record<ValueField, Record<string, string>>>;
  dateOrder?: DateOrder;
  /** Values that mean "empty" in this export (RT's "Not set" and "Nobody"), any case. */
  emptyValues?: string[];
  /**
   * A sheet saved as CSV with rows above its header (Zammad's title row and empty row): the
   * header is the first line holding all these columns; the lines above it are a preamble,
   * skipped and reported. With it (or `footerPattern`), rows whose every field is empty are
   * skipped too, as a spreadsheet saves its empty rows as `,,,`.
   */
  headerColumns?: string[];
  /**
   * A line after the tickets whose first field matches this pattern (case-insensitive) and whose
   * other fields are empty is a footer, skipped and reported (Zammad's `Timezone: Europe/Berlin`).
   * A named group `zone` is the zone of the file's times when `--tz` is not given.
   */
  footerPattern?: string;
  /** Fields whose value is a list joined by this separator (RT's `a@x, b@y` requestors): the first item is taken. */
  firstOfList?: Partial<Record<ImportField, string>>;
  notes?: string[];
}

// The preset files are data beside this module's source; found from the project root, which the
// bundle in dist/ knows too (a path relative to this module pointed into dist/, where they are not).
const DIRECTORY = join(PROJECT_ROOT, 'src', 'services', 'import', 'presets');

export function presetNames(): string[] {
  return readdirSync(DIRECTORY)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

export function loadPreset(name: string): Preset {
  const key = name.trim().toLowerCase();
  const names = presetNames();
  if (!names.includes(key)) throw new UsageError(`--from: unknown preset "${name}"; presets: ${names.join(', ')} (or --preset-file FILE)`);
  return validatePreset(JSON.parse(readFileSync(join(DIRECTORY, `${key}.json`), 'utf8')), `preset ${key}`);
}

export function readPresetFile(path: string): Preset {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`--preset-file ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new InputError(`--preset-file ${path}: not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
  return validatePreset(parsed, path);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a preset's shape; every problem is an input error naming `where` and the key. */
export function validatePreset(value: unknown, where: string): Preset {
  const fail = (text: string): never => {
    throw new InputError(`${where}: ${text}`);
  };
  if (!isObject(value)) fail('a preset is a JSON object with name, columns and values');
  const o = value as Record<string, unknown>;
  const known = ['name', 'title', 'description', 'documentation', 'columns', 'values', 'dateOrder', 'emptyValues', 'headerColumns', 'footerPattern', 'firstOfList', 'notes'];
  for (const k of Object.keys(o)) if (!known.includes(k)) fail(`unknown key "${k}" (keys: ${known.join(', ')})`);
  const str = (k: string, required: boolean): string | undefined => {
    const v = o[k];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || !v.trim()) return fail(`"${k}" must be a non-empty string`);
    return v;
  };
  const strings = (k: string): string[] => {
    const v = o[k];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return fail(`"${k}" must be a list of strings`);
    return v as string[];
  };
  const name = str('name', true)!;
  const columns: Preset['columns'] = {};
  if (o.columns !== undefined && !isObject(o.columns)) fail('"columns" must map ticket fields to a column name or a list of them');
  for (const [field, column] of Object.entries((o.columns as Record<string, unknown>) ?? {})) {
    if (!(IMPORT_FIELDS as readonly string[]).includes(field)) fail(`columns: unknown field "${field}"; fields are ${IMPORT_FIELDS.join(', ')}`);
    const list = typeof column === 'string' ? [column] : column;
    if (!Array.isArray(list) || list.length === 0 || list.some((c) => typeof c !== 'string' || !c.trim())) fail(`columns.${field} must be a column name or a list of them`);
    columns[field as ImportField] = list as string[];
  }
  const values: Preset['values'] = {};
  if (o.values !== undefined && !isObject(o.values)) fail('"values" must map fields to {"foreign value": "our value"} objects');
  const check: ValueMaps = new Map();
  for (const [fieldName, map] of Object.entries((o.values as Record<string, unknown>) ?? {})) {
    const field = valueField(fieldName);
    if (!field || field !== fieldName) fail(`values: "${fieldName}" is not a field with values to map (source, language, priority, issue_type, status)`);
    if (!isObject(map)) fail(`values.${fieldName} must be an object of "foreign value": "our value"`);
    for (const [foreign, ours] of Object.entries(map as Record<string, unknown>)) {
      if (typeof ours !== 'string') fail(`values.${fieldName}.${foreign} must be a string`);
      try {
        addValueMapping(check, field!, foreign, ours as string, `values.${fieldName}`);
      } catch (error) {
        fail((error as Error).message.replace(/^values\.\w+: /, `values.${fieldName}: `));
      }
    }
    values[field!] = map as Record<string, string>;
  }
  let dateOrder: DateOrder | undefined;
  if (o.dateOrder !== undefined) {
    if (!DATE_ORDERS.includes(o.dateOrder as DateOrder)) fail(`"dateOrder" must be ${DATE_ORDERS.join(' or ')}`);
    dateOrder = o.dateOrder as DateOrder;
  }
  const preset: Preset = {
    name,
    title: str('title', false) ?? name,
    description: str('description', false) ?? '',
    documentation: strings('documentation'),
    columns,
    values,
  };
  if (dateOrder) preset.dateOrder = dateOrder;
  const emptyValues = strings('emptyValues');
  if (emptyValues.length > 0) preset.emptyValues = emptyValues;
  const headerColumns = strings('headerColumns');
  if (headerColumns.some((c) => !c.trim())) fail('"headerColumns" must name columns');
  if (headerColumns.length > 0) preset.headerColumns = headerColumns;
  const footerPattern = str('footerPattern', false);
  if (footerPattern !== undefined) {
    try {
      new RegExp(footerPattern, 'iu');
    } catch (error) {
      fail(`"footerPattern" is not a regular expression (${(error as Error).message})`);
    }
    preset.footerPattern = footerPattern;
  }
  if (o.firstOfList !== undefined) {
    if (!isObject(o.firstOfList)) fail('"firstOfList" must map ticket fields to the separator of their list, e.g. {"email": ","}');
    const lists: Preset['firstOfList'] = {};
    for (const [field, separator] of Object.entries(o.firstOfList as Record<string, unknown>)) {
      if (!(IMPORT_FIELDS as readonly string[]).includes(field)) fail(`firstOfList: unknown field "${field}"; fields are ${IMPORT_FIELDS.join(', ')}`);
      if (typeof separator !== 'string' || separator.length === 0) fail(`firstOfList.${field} must be a non-empty separator`);
      lists[field as ImportField] = separator as string;
    }
    preset.firstOfList = lists;
  }
  const notes = strings('notes');
  if (notes.length > 0) preset.notes = notes;
  return preset;
}

/** The preset's value maps, as the starting point that `--value` flags add to and override. */
export function presetValueMaps(preset: Preset | undefined): ValueMaps {
  const maps: ValueMaps = new Map();
  for (const [field, map] of Object.entries(preset?.values ?? {})) {
    for (const [foreign, ours] of Object.entries(map)) addValueMapping(maps, field as ValueField, foreign, ours, `preset ${preset!.name}`);
  }
  return maps;
}
