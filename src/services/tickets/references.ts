import { sql, type Kysely } from 'kysely';
import { TICKET_SOURCES } from '../../entities/enums.ts';
import { NotFoundError, UsageError } from '../../errors.ts';

/** How a person names a ticket: its number (42 or #42), its id, or source:external-id. */
export type TicketRef = { kind: 'number'; number: string } | { kind: 'id'; id: string } | { kind: 'external'; source: string; externalId: string };

/** A reference as written, and where (for errors): "" for an argument, "FILE: line N: " for a file line. */
export interface WrittenRef {
  text: string;
  where: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseTicketRef(text: string, where = ''): TicketRef {
  const trimmed = text.trim();
  if (/^#?\d{1,18}$/.test(trimmed)) return { kind: 'number', number: String(BigInt(trimmed.replace('#', ''))) };
  if (UUID.test(trimmed)) return { kind: 'id', id: trimmed.toLowerCase() };
  const colon = trimmed.indexOf(':');
  if (colon > 0 && (TICKET_SOURCES as readonly string[]).includes(trimmed.slice(0, colon).toLowerCase()) && colon < trimmed.length - 1) {
    return { kind: 'external', source: trimmed.slice(0, colon).toLowerCase(), externalId: trimmed.slice(colon + 1) };
  }
  throw new UsageError(`${where}"${text}" is not a ticket: give a number (42 or #42), an id, or source:external-id (email:MSG-2211)`);
}

/** One reference per line of a file (blank lines and lines starting with # followed by a space are skipped). */
export function refsFromText(text: string, file: string): WrittenRef[] {
  const refs: WrittenRef[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.replace(/^\uFEFF/, '').trim();
    if (trimmed === '' || trimmed.startsWith('# ')) return;
    refs.push({ text: trimmed, where: `${file}: line ${i + 1}: ` });
  });
  return refs;
}

/**
 * The ticket ids of the references, in their order (a ticket named twice comes once), in a
 * few set-based queries. A reference that is malformed or names no ticket is an error naming it.
 */
export async function resolveTicketRefs(db: Kysely<any>, refs: readonly WrittenRef[]): Promise<{ id: string; number: string; ref: WrittenRef }[]> {
  const parsed = refs.map((ref) => ({ ref, parsed: parseTicketRef(ref.text, ref.where) }));
  const numbers = parsed.flatMap((p) => (p.parsed.kind === 'number' ? [p.parsed.number] : []));
  const ids = parsed.flatMap((p) => (p.parsed.kind === 'id' ? [p.parsed.id] : []));
  const externals = parsed.flatMap((p) => (p.parsed.kind === 'external' ? [p.parsed] : []));
  const found = (
    await sql<{ id: string; number: string; source: string; external_id: string | null }>`
      select id, number::text as number, source::text as source, external_id from tickets
      where number = any(${numbers}::bigint[]) or id = any(${ids}::uuid[])
         or (source::text, external_id) in (select * from unnest(${externals.map((e) => e.source)}::text[], ${externals.map((e) => e.externalId)}::text[]))`.execute(db)
  ).rows;
  const byNumber = new Map(found.map((t) => [t.number, t]));
  const byId = new Map(found.map((t) => [t.id, t]));
  const byExternal = new Map(found.filter((t) => t.external_id !== null).map((t) => [`${t.source}:${t.external_id}`, t]));
  const seen = new Set<string>();
  const out: { id: string; number: string; ref: WrittenRef }[] = [];
  for (const { ref, parsed: p } of parsed) {
    const ticket = p.kind === 'number' ? byNumber.get(p.number) : p.kind === 'id' ? byId.get(p.id) : byExternal.get(`${p.source}:${p.externalId}`);
    if (!ticket) throw new NotFoundError(`${ref.where}no ticket ${ref.text.trim()}`);
    if (seen.has(ticket.id)) continue;
    seen.add(ticket.id);
    out.push({ id: ticket.id, number: ticket.number, ref });
  }
  return out;
}
