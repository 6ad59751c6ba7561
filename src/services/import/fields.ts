import { InputError, UsageError } from '../../errors.ts';

/** Ticket fields an import can fill, by the names `--map` uses. */
export const IMPORT_FIELDS = [
  'external_id',
  'source',
  'email',
  'name',
  'subject',
  'body',
  'language',
  'created_at',
  'category',
  'department',
  'priority',
  'issue_type',
  'status',
  'first_response_at',
  'resolved_at',
  'closed_at',
  'operator',
  'messages',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

const ALIASES: Record<string, ImportField> = {
  user_email: 'email',
  user_name: 'name',
  externalid: 'external_id',
  text: 'body',
  title: 'subject',
  assignee: 'operator',
};

function canonical(name: string): ImportField | undefined {
  const key = name.trim().toLowerCase().replace(/[\s-]+/g, '_');
  if ((IMPORT_FIELDS as readonly string[]).includes(key)) return key as ImportField;
  return ALIASES[key] ?? ALIASES[key.replaceAll('_', '')];
}

/** `--map body=Document,category=Topic_group`: field → column (header name or JSON key). */
export function parseMapping(spec: string[] | undefined): Map<ImportField, string> {
  const mapping = new Map<ImportField, string>();
  for (const part of (spec ?? []).flatMap((s) => s.split(','))) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1) throw new UsageError(`--map expects field=column pairs separated by commas (got "${part}")`);
    const field = canonical(part.slice(0, eq));
    if (!field) throw new UsageError(`--map: unknown field "${part.slice(0, eq).trim()}"; fields are ${IMPORT_FIELDS.join(', ')}`);
    if (mapping.has(field)) throw new UsageError(`--map: field ${field} is mapped twice`);
    mapping.set(field, part.slice(eq + 1).trim());
  }
  return mapping;
}

/**
 * Resolves the mapping against a CSV header: explicit `--map` entries must name existing columns;
 * then a preset's columns (the first of its names the header has); every other field is taken
 * from a column of the same name (case and spaces ignored), if any. A column name the header
 * holds twice is refused when the import reads it (which one would it be?); repeated columns the
 * import does not read are left alone (Jira repeats Comment, Labels, Watchers, ...).
 */
export function resolveCsvColumns(header: string[], mapping: Map<ImportField, string>, file: string, preset: Partial<Record<ImportField, string[]>> = {}, headerLine = 1): Map<ImportField, number> {
  const columns = new Map<ImportField, number>();
  const exact = new Map<string, number>();
  const folded = new Map<string, number[]>();
  header.forEach((h, i) => {
    if (!exact.has(h.trim())) exact.set(h.trim(), i);
    const f = h.trim().toLowerCase();
    folded.set(f, [...(folded.get(f) ?? []), i]);
  });
  const find = (column: string): number | undefined => exact.get(column.trim()) ?? folded.get(column.trim().toLowerCase())?.[0];
  for (const [field, column] of mapping) {
    const index = find(column);
    if (index === undefined) throw new UsageError(`${file}: --map ${field}=${column}: no column "${column}" in the header (columns: ${header.join(', ')})`);
    columns.set(field, index);
  }
  for (const [field, names] of Object.entries(preset) as [ImportField, string[]][]) {
    if (mapping.has(field)) continue;
    for (const name of names) {
      const index = find(name);
      if (index !== undefined) {
        columns.set(field, index);
        break;
      }
    }
  }
  const taken = new Set(columns.values());
  header.forEach((h, i) => {
    const field = canonical(h);
    if (field && !columns.has(field) && !taken.has(i)) columns.set(field, i);
  });
  const used = new Set(columns.values());
  const duplicates = [...folded.entries()].filter(([name, at]) => name !== '' && at.length > 1 && at.some((i) => used.has(i)));
  if (duplicates.length > 0) {
    const list = duplicates.map(([, at]) => `"${header[at[0]!]!.trim()}" (columns ${at.map((i) => i + 1).join(', ')})`).join(', ');
    throw new InputError(`${file}:${headerLine}: the header names a column it reads more than once: ${list}; rename one of them, or --map the field to another column`);
  }
  if (!columns.has('body')) throw new UsageError(`${file}: no column for the ticket body: name it with --map body=COLUMN (columns: ${header.join(', ')})`);
  if (columns.has('messages')) throw new UsageError(`${file}: messages can only be imported from JSONL`);
  return columns;
}

/** JSONL: the keys a field is read from: the mapped one, else its name and aliases (user_email, ...). */
export function resolveJsonKeys(mapping: Map<ImportField, string>, preset: Partial<Record<ImportField, string[]>> = {}): Map<ImportField, string[]> {
  const keys = new Map<ImportField, string[]>();
  for (const field of IMPORT_FIELDS) {
    const mapped = mapping.get(field);
    keys.set(field, mapped !== undefined ? [mapped] : [...(preset[field] ?? []), field, ...Object.entries(ALIASES).filter(([, f]) => f === field).map(([alias]) => alias)]);
  }
  return keys;
}
