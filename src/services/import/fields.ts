import { UsageError } from '../../errors.ts';

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
  'messages',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

const ALIASES: Record<string, ImportField> = {
  user_email: 'email',
  user_name: 'name',
  externalid: 'external_id',
  text: 'body',
  title: 'subject',
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
 * every other field is taken from a column of the same name (case and spaces ignored), if any.
 */
export function resolveCsvColumns(header: string[], mapping: Map<ImportField, string>, file: string): Map<ImportField, number> {
  const columns = new Map<ImportField, number>();
  const exact = new Map(header.map((h, i) => [h.trim(), i]));
  const folded = new Map(header.map((h, i) => [h.trim().toLowerCase(), i]));
  for (const [field, column] of mapping) {
    const index = exact.get(column) ?? folded.get(column.toLowerCase());
    if (index === undefined) throw new UsageError(`${file}: --map ${field}=${column}: no column "${column}" in the header (columns: ${header.join(', ')})`);
    columns.set(field, index);
  }
  const taken = new Set(columns.values());
  header.forEach((h, i) => {
    const field = canonical(h);
    if (field && !mapping.has(field) && !columns.has(field) && !taken.has(i)) columns.set(field, i);
  });
  if (!columns.has('body')) throw new UsageError(`${file}: no column for the ticket body: name it with --map body=COLUMN (columns: ${header.join(', ')})`);
  if (columns.has('messages')) throw new UsageError(`${file}: messages can only be imported from JSONL`);
  return columns;
}

/** JSONL: the keys a field is read from: the mapped one, else its name and aliases (user_email, ...). */
export function resolveJsonKeys(mapping: Map<ImportField, string>): Map<ImportField, string[]> {
  const keys = new Map<ImportField, string[]>();
  for (const field of IMPORT_FIELDS) {
    const mapped = mapping.get(field);
    keys.set(field, mapped !== undefined ? [mapped] : [field, ...Object.entries(ALIASES).filter(([, f]) => f === field).map(([alias]) => alias)]);
  }
  return keys;
}
