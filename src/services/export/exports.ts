import { sql, type Kysely, type RawBuilder } from 'kysely';
import { LABEL_SOURCES, LANGUAGES, TICKET_STATUSES, type LabelSource } from '../../entities/enums.ts';
import { UsageError } from '../../errors.ts';
import { zoneLiteral } from '../stats/contributions.ts';
import { keysetPages } from './pages.ts';
import { redact } from './redact.ts';
import { splitOf, type Split } from './split.ts';

export interface ExportFilters {
  /** First and last day (YYYY-MM-DD) of creation, in the time zone. */
  from?: string | undefined;
  to?: string | undefined;
  timeZone: string;
  languages?: string[] | undefined;
  redact: boolean;
  pageSize?: number;
}

function list<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((v) => v.trim().toLowerCase()).filter(Boolean) as T[];
  for (const item of items) if (!allowed.includes(item)) throw new UsageError(`${flag} must be one or more of ${allowed.join(', ')} (got "${item}")`);
  return items;
}

export const parseLanguages = (value: string | undefined) => list(value, LANGUAGES, '--language');
export const parseLabelSources = (value: string | undefined) => list(value, LABEL_SOURCES, '--label-source');
export const parseStatuses = (value: string | undefined) => list(value, TICKET_STATUSES, '--status');

function created(filters: ExportFilters): RawBuilder<unknown> {
  const tz = sql.raw(zoneLiteral(filters.timeZone));
  const parts: RawBuilder<unknown>[] = [sql`true`];
  if (filters.from) parts.push(sql`x.created_at >= (${filters.from}::date::timestamp at time zone ${tz})`);
  if (filters.to) parts.push(sql`x.created_at < ((${filters.to}::date + 1)::timestamp at time zone ${tz})`);
  if (filters.languages) parts.push(sql`x.language::text = any(${filters.languages}::text[])`);
  return sql.join(parts, sql` and `);
}

export interface SampleRow {
  id: string;
  created_at: string;
  text: string;
  language: string | null;
  category: string | null;
  priority: string | null;
  issue_type: string | null;
  department: string | null;
  label_source: string;
  split?: string;
}

export interface SampleExport {
  total: number;
  pages: AsyncGenerator<SampleRow[]>;
}

/** Training samples, oldest first, in keyset pages; redacted unless asked not to; with their split part. */
export async function exportTrainingSamples(db: Kysely<any>, filters: ExportFilters & { labelSources?: LabelSource[] | undefined; split?: Split | null }): Promise<SampleExport> {
  const where = sql.join(
    [created(filters), filters.labelSources ? sql`x.label_source::text = any(${filters.labelSources}::text[])` : sql`true`],
    sql` and `,
  );
  const total = Number((await sql<{ n: number }>`select count(*)::int as n from training_samples x where ${where}`.execute(db)).rows[0]?.n ?? 0);
  type Raw = Omit<SampleRow, 'split'> & { _at: string; content_hash: string };
  const pages = keysetPages<Raw>(
    db,
    (after, limit) => sql<Raw>`
      select x.id, x.created_at::text as _at, to_char(x.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at,
             x.text, x.language::text as language, x.category, x.priority::text as priority, x.issue_type::text as issue_type,
             x.department, x.label_source::text as label_source, x.content_hash
      from training_samples x where ${where} and ${after}
      order by x.created_at, x.id limit ${limit}`,
    filters.pageSize,
  );
  async function* rows(): AsyncGenerator<SampleRow[]> {
    for await (const page of pages) {
      yield page.map((r) => {
        const row: SampleRow = {
          id: r.id,
          created_at: r.created_at,
          text: filters.redact ? redact(r.text) : r.text,
          language: r.language,
          category: r.category,
          priority: r.priority,
          issue_type: r.issue_type,
          department: r.department,
          label_source: r.label_source,
        };
        if (filters.split) row.split = splitOf(filters.split, r.content_hash);
        return row;
      });
    }
  }
  return { total, pages: rows() };
}

export interface TicketExportRow {
  number: number;
  id: string;
  created_at: string;
  source: string;
  language: string | null;
  status: string;
  priority: string | null;
  issue_type: string | null;
  category: string | null;
  department: string | null;
  operator: string | null;
  user_email: string | null;
  subject: string;
  body: string;
  first_response_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  sla_due_at: string | null;
  /** The latest AI prediction, when there is one. */
  predicted_category: string | null;
  predicted_department: string | null;
  predicted_priority: string | null;
  predicted_issue_type: string | null;
  confidence: number | null;
  decision: string | null;
  review: string | null;
  corrected_category: string | null;
  corrected_department: string | null;
  model: string | null;
  predicted_at: string | null;
}

const ts = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/** Tickets with their latest prediction, oldest first, in keyset pages; redacted unless asked not to. */
export async function exportTickets(db: Kysely<any>, filters: ExportFilters & { statuses?: string[] | undefined }): Promise<{ total: number; pages: AsyncGenerator<TicketExportRow[]> }> {
  const where = sql.join([created(filters), filters.statuses ? sql`x.status::text = any(${filters.statuses}::text[])` : sql`true`], sql` and `);
  const total = Number((await sql<{ n: number }>`select count(*)::int as n from tickets x where ${where}`.execute(db)).rows[0]?.n ?? 0);
  type Raw = TicketExportRow & { _at: string };
  const pages = keysetPages<Raw>(
    db,
    (after, limit) => sql<Raw>`
      select x.number::float8 as number, x.id, x.created_at::text as _at, ${ts('x.created_at')} as created_at, x.source::text as source,
             x.language::text as language, x.status::text as status, x.priority::text as priority, x.issue_type::text as issue_type,
             c.name as category, d.name as department, o.name as operator, u.email as user_email, x.subject, x.body,
             ${ts('x.first_response_at')} as first_response_at, ${ts('x.resolved_at')} as resolved_at, ${ts('x.closed_at')} as closed_at,
             ${ts('x.sla_due_at')} as sla_due_at,
             pc.name as predicted_category, pd.name as predicted_department, p.priority::text as predicted_priority,
             p.issue_type::text as predicted_issue_type, p.confidence, p.decision::text as decision, p.review::text as review,
             cc.name as corrected_category, cd.name as corrected_department,
             case when m.id is not null then m.name || ' v' || m.version end as model, ${ts('p.created_at')} as predicted_at
      from tickets x
      left join categories c on c.id = x.category_id
      left join departments d on d.id = x.department_id
      left join operators o on o.id = x.operator_id
      left join users u on u.id = x.user_id
      left join lateral (select * from ai_predictions ap where ap.ticket_id = x.id order by ap.created_at desc, ap.id desc limit 1) p on true
      left join categories pc on pc.id = p.category_id
      left join departments pd on pd.id = p.department_id
      left join categories cc on cc.id = p.corrected_category_id
      left join departments cd on cd.id = p.corrected_department_id
      left join ml_models m on m.id = p.model_id
      where ${where} and ${after}
      order by x.created_at, x.id limit ${limit}`,
    filters.pageSize,
  );
  async function* rows(): AsyncGenerator<TicketExportRow[]> {
    for await (const page of pages) {
      yield page.map(({ _at, ...r }) => ({
        ...r,
        number: Number(r.number),
        confidence: r.confidence === null ? null : Number(r.confidence),
        ...(filters.redact ? { subject: redact(r.subject), body: redact(r.body), user_email: r.user_email === null ? null : '[email]' } : {}),
      }));
    }
  }
  return { total, pages: rows() };
}
